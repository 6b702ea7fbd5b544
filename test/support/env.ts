// Quiet Powertools in tests: no EMF on stdout, no info logs. Tests that assert logs or metrics inject their own.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
