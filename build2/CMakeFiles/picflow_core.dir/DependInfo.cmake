
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt-poison/build2/schema_sql.c" "CMakeFiles/picflow_core.dir/schema_sql.c.o" "gcc" "CMakeFiles/picflow_core.dir/schema_sql.c.o.d"
  "/work/wt-poison/src/addr.c" "CMakeFiles/picflow_core.dir/src/addr.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/addr.c.o.d"
  "/work/wt-poison/src/afile.c" "CMakeFiles/picflow_core.dir/src/afile.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/afile.c.o.d"
  "/work/wt-poison/src/answer.c" "CMakeFiles/picflow_core.dir/src/answer.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/answer.c.o.d"
  "/work/wt-poison/src/authres.c" "CMakeFiles/picflow_core.dir/src/authres.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/authres.c.o.d"
  "/work/wt-poison/src/backup.c" "CMakeFiles/picflow_core.dir/src/backup.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/backup.c.o.d"
  "/work/wt-poison/src/bounce.c" "CMakeFiles/picflow_core.dir/src/bounce.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/bounce.c.o.d"
  "/work/wt-poison/src/cli.c" "CMakeFiles/picflow_core.dir/src/cli.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/cli.c.o.d"
  "/work/wt-poison/src/cli_decide.c" "CMakeFiles/picflow_core.dir/src/cli_decide.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/cli_decide.c.o.d"
  "/work/wt-poison/src/cli_inspect.c" "CMakeFiles/picflow_core.dir/src/cli_inspect.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/cli_inspect.c.o.d"
  "/work/wt-poison/src/cli_mail.c" "CMakeFiles/picflow_core.dir/src/cli_mail.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/cli_mail.c.o.d"
  "/work/wt-poison/src/cli_ops.c" "CMakeFiles/picflow_core.dir/src/cli_ops.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/cli_ops.c.o.d"
  "/work/wt-poison/src/cli_poll.c" "CMakeFiles/picflow_core.dir/src/cli_poll.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/cli_poll.c.o.d"
  "/work/wt-poison/src/cli_robots.c" "CMakeFiles/picflow_core.dir/src/cli_robots.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/cli_robots.c.o.d"
  "/work/wt-poison/src/cli_run.c" "CMakeFiles/picflow_core.dir/src/cli_run.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/cli_run.c.o.d"
  "/work/wt-poison/src/cli_send.c" "CMakeFiles/picflow_core.dir/src/cli_send.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/cli_send.c.o.d"
  "/work/wt-poison/src/cli_watch.c" "CMakeFiles/picflow_core.dir/src/cli_watch.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/cli_watch.c.o.d"
  "/work/wt-poison/src/clock.c" "CMakeFiles/picflow_core.dir/src/clock.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/clock.c.o.d"
  "/work/wt-poison/src/config.c" "CMakeFiles/picflow_core.dir/src/config.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/config.c.o.d"
  "/work/wt-poison/src/confirm.c" "CMakeFiles/picflow_core.dir/src/confirm.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/confirm.c.o.d"
  "/work/wt-poison/src/decide.c" "CMakeFiles/picflow_core.dir/src/decide.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/decide.c.o.d"
  "/work/wt-poison/src/dns_check.c" "CMakeFiles/picflow_core.dir/src/dns_check.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/dns_check.c.o.d"
  "/work/wt-poison/src/dns_judge.c" "CMakeFiles/picflow_core.dir/src/dns_judge.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/dns_judge.c.o.d"
  "/work/wt-poison/src/dns_result.c" "CMakeFiles/picflow_core.dir/src/dns_result.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/dns_result.c.o.d"
  "/work/wt-poison/src/dns_stage.c" "CMakeFiles/picflow_core.dir/src/dns_stage.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/dns_stage.c.o.d"
  "/work/wt-poison/src/dsn.c" "CMakeFiles/picflow_core.dir/src/dsn.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/dsn.c.o.d"
  "/work/wt-poison/src/evaluate.c" "CMakeFiles/picflow_core.dir/src/evaluate.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/evaluate.c.o.d"
  "/work/wt-poison/src/evaluate_dns.c" "CMakeFiles/picflow_core.dir/src/evaluate_dns.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/evaluate_dns.c.o.d"
  "/work/wt-poison/src/hook.c" "CMakeFiles/picflow_core.dir/src/hook.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/hook.c.o.d"
  "/work/wt-poison/src/imap_conn.c" "CMakeFiles/picflow_core.dir/src/imap_conn.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/imap_conn.c.o.d"
  "/work/wt-poison/src/imap_names.c" "CMakeFiles/picflow_core.dir/src/imap_names.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/imap_names.c.o.d"
  "/work/wt-poison/src/imap_poll.c" "CMakeFiles/picflow_core.dir/src/imap_poll.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/imap_poll.c.o.d"
  "/work/wt-poison/src/ingest.c" "CMakeFiles/picflow_core.dir/src/ingest.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/ingest.c.o.d"
  "/work/wt-poison/src/json_out.c" "CMakeFiles/picflow_core.dir/src/json_out.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/json_out.c.o.d"
  "/work/wt-poison/src/log.c" "CMakeFiles/picflow_core.dir/src/log.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/log.c.o.d"
  "/work/wt-poison/src/mail_build.c" "CMakeFiles/picflow_core.dir/src/mail_build.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/mail_build.c.o.d"
  "/work/wt-poison/src/mail_hdr.c" "CMakeFiles/picflow_core.dir/src/mail_hdr.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/mail_hdr.c.o.d"
  "/work/wt-poison/src/mime_text.c" "CMakeFiles/picflow_core.dir/src/mime_text.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/mime_text.c.o.d"
  "/work/wt-poison/src/net.c" "CMakeFiles/picflow_core.dir/src/net.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/net.c.o.d"
  "/work/wt-poison/src/notice.c" "CMakeFiles/picflow_core.dir/src/notice.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/notice.c.o.d"
  "/work/wt-poison/src/policy.c" "CMakeFiles/picflow_core.dir/src/policy.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/policy.c.o.d"
  "/work/wt-poison/src/poll_journal.c" "CMakeFiles/picflow_core.dir/src/poll_journal.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/poll_journal.c.o.d"
  "/work/wt-poison/src/poll_reader.c" "CMakeFiles/picflow_core.dir/src/poll_reader.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/poll_reader.c.o.d"
  "/work/wt-poison/src/reason_text.c" "CMakeFiles/picflow_core.dir/src/reason_text.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/reason_text.c.o.d"
  "/work/wt-poison/src/request.c" "CMakeFiles/picflow_core.dir/src/request.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/request.c.o.d"
  "/work/wt-poison/src/request_parse.c" "CMakeFiles/picflow_core.dir/src/request_parse.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/request_parse.c.o.d"
  "/work/wt-poison/src/request_validate.c" "CMakeFiles/picflow_core.dir/src/request_validate.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/request_validate.c.o.d"
  "/work/wt-poison/src/retention.c" "CMakeFiles/picflow_core.dir/src/retention.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/retention.c.o.d"
  "/work/wt-poison/src/robot.c" "CMakeFiles/picflow_core.dir/src/robot.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/robot.c.o.d"
  "/work/wt-poison/src/run.c" "CMakeFiles/picflow_core.dir/src/run.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/run.c.o.d"
  "/work/wt-poison/src/smtp_conn.c" "CMakeFiles/picflow_core.dir/src/smtp_conn.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/smtp_conn.c.o.d"
  "/work/wt-poison/src/smtp_send.c" "CMakeFiles/picflow_core.dir/src/smtp_send.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/smtp_send.c.o.d"
  "/work/wt-poison/src/store.c" "CMakeFiles/picflow_core.dir/src/store.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/store.c.o.d"
  "/work/wt-poison/src/store_backup.c" "CMakeFiles/picflow_core.dir/src/store_backup.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/store_backup.c.o.d"
  "/work/wt-poison/src/store_confirm.c" "CMakeFiles/picflow_core.dir/src/store_confirm.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/store_confirm.c.o.d"
  "/work/wt-poison/src/store_dns.c" "CMakeFiles/picflow_core.dir/src/store_dns.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/store_dns.c.o.d"
  "/work/wt-poison/src/store_imap.c" "CMakeFiles/picflow_core.dir/src/store_imap.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/store_imap.c.o.d"
  "/work/wt-poison/src/store_inbound.c" "CMakeFiles/picflow_core.dir/src/store_inbound.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/store_inbound.c.o.d"
  "/work/wt-poison/src/store_mem.c" "CMakeFiles/picflow_core.dir/src/store_mem.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/store_mem.c.o.d"
  "/work/wt-poison/src/store_outbox.c" "CMakeFiles/picflow_core.dir/src/store_outbox.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/store_outbox.c.o.d"
  "/work/wt-poison/src/store_query.c" "CMakeFiles/picflow_core.dir/src/store_query.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/store_query.c.o.d"
  "/work/wt-poison/src/store_request.c" "CMakeFiles/picflow_core.dir/src/store_request.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/store_request.c.o.d"
  "/work/wt-poison/src/store_retention.c" "CMakeFiles/picflow_core.dir/src/store_retention.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/store_retention.c.o.d"
  "/work/wt-poison/src/store_robot.c" "CMakeFiles/picflow_core.dir/src/store_robot.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/store_robot.c.o.d"
  "/work/wt-poison/src/store_send.c" "CMakeFiles/picflow_core.dir/src/store_send.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/store_send.c.o.d"
  "/work/wt-poison/src/store_wake.c" "CMakeFiles/picflow_core.dir/src/store_wake.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/store_wake.c.o.d"
  "/work/wt-poison/src/suffix.c" "CMakeFiles/picflow_core.dir/src/suffix.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/suffix.c.o.d"
  "/work/wt-poison/src/template.c" "CMakeFiles/picflow_core.dir/src/template.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/template.c.o.d"
  "/work/wt-poison/src/tick.c" "CMakeFiles/picflow_core.dir/src/tick.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/tick.c.o.d"
  "/work/wt-poison/src/tls_verify.c" "CMakeFiles/picflow_core.dir/src/tls_verify.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/tls_verify.c.o.d"
  "/work/wt-poison/src/util.c" "CMakeFiles/picflow_core.dir/src/util.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/util.c.o.d"
  "/work/wt-poison/src/watch.c" "CMakeFiles/picflow_core.dir/src/watch.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/watch.c.o.d"
  "/work/wt-poison/src/workflow.c" "CMakeFiles/picflow_core.dir/src/workflow.c.o" "gcc" "CMakeFiles/picflow_core.dir/src/workflow.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
