// placeholder so the test target builds; replace with real tests.
