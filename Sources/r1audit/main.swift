import R1AuditCLI

// OpenBLAS picks its kernels before main; where it picked its slowest ones, run again with a better choice.
BLASCoreFix.reexecIfNeeded()
BLASCoreFix.pinThreads()
await R1Audit.main()
