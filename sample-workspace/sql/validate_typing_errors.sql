-- Fails the run when more than ${max_error_pct} percent of the rows had typing errors.
SELECT
  COALESCE(SUM(has_error) * 100.0 / COUNT(*), 0) <= ${max_error_pct} AS valid,
  TO_JSON(NAMED_STRUCT('rows', COUNT(*), 'rows_with_errors', SUM(has_error))) AS message
FROM (
  SELECT CASE WHEN SIZE(_errors) > 0 THEN 1 ELSE 0 END AS has_error
  FROM ${input_view}
) typed
