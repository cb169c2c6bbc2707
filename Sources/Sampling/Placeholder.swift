// Sampling: placeholder so the target builds; replace with the module's first real file.
