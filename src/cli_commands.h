/* cli_commands.h - the commands of picflow, written once (an X-macro list).
 *
 * CLI_LOCAL commands only read the database and print: the picflow binary
 * runs them itself. CLI_MAIL commands parse, render or exchange mail: they
 * live in picflow-mail, which links libetpan and GnuTLS, and picflow hands
 * them over with execv(2). Loading those libraries (and what they bring:
 * libxml2 with ICU and libstdc++, libsasl2, libdb) costs 4 to 5 ms before
 * main() runs, more than `show` itself; an operator's look at a request
 * should not pay for the mail stack.
 *
 * Each line: name, function, needs (cli_int.h), usage, summary. The order
 * is the order of `picflow --help`. */
CLI_MAIL("run", cmd_run, NEED_FROM | NO_ARGS, "",
    "one cron cycle under a lock: poll, hook, tick, send")
CLI_MAIL("watch", cmd_watch, NEED_FROM | NO_ARGS, "",
    "run's cycle as soon as there is something to do (IMAP IDLE, timers)")
CLI_MAIL("poll", cmd_poll, NEED_DB | NEED_FROM | NO_ARGS, "",
    "ingest new mail from the IMAP mailbox")
CLI_MAIL("ingest", cmd_ingest, NEED_DB | NEED_FROM, "[FILE...]",
    "record and process raw RFC 5322 mails (files, or stdin)")
CLI_MAIL("tick", cmd_tick, NEED_DB | NEED_FROM | NO_ARGS, "",
    "fire due timers (deadlines, cooldowns, confirmations, alert digests)")
CLI_MAIL("send", cmd_send, NEED_DB | NO_ARGS, "",
    "deliver queued notices over SMTP")
CLI_LOCAL("list", cmd_list, NEED_DB,
    "[--state STATE | --mail | --robots] [--json]",
    "list requests, or the mails recorded (--robots: the automatic ones)")
CLI_LOCAL("show", cmd_show, NEED_DB, "ID [--json] | --mail N [--json]",
    "show one request and its history (ID: UUID or 8-hex tag), or mail N")
CLI_MAIL("provision", cmd_provision, NEED_DB | NEED_FROM, "ID [--note TEXT]",
    "mark a pending request provisioned (completion notices)")
CLI_MAIL("reject", cmd_reject, NEED_DB | NEED_FROM, "ID --reason TEXT",
    "reject a received, confirming or pending request (rejection notices)")
CLI_LOCAL("outbox", cmd_outbox, NEED_DB, "[--json] [--dump ID]",
    "list queued and sent notices, or print one exactly")
CLI_LOCAL("backup", cmd_backup, 0, "FILE",
    "write a consistent copy of the database to FILE (0600, atomic)")
CLI_LOCAL("forget", cmd_forget, NEED_DB, "ADDRESS",
    "erase an address from every finished request, mail, notice, event")
CLI_LOCAL("metrics", cmd_metrics, NEED_DB | NO_ARGS, "",
    "print the state of the queue in the Prometheus text format")
CLI_MAIL("check-config", cmd_check_config, NO_ARGS, "",
    "validate the configuration and try both servers (changes nothing)")
CLI_LOCAL("states", cmd_states, NO_DB, "[--dot]",
    "print the workflow's transition table")
