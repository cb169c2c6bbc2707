import R1AuditCLI

await R1Audit.main()
