#!/usr/bin/env python3
"""cgstages.py CALLGRIND_OUT N: the instructions of a `picflow poll` of N request mails
under valgrind --tool=callgrind, per mail and by stage, from callgrind_annotate's
inclusive totals. Prints one JSON object:
  total     the whole process / N (start, TLS handshakes and exit included)
  recorder  the recording thread (imap_poll_until), reader: the reader thread
  fetch     FETCH of sizes and bodies (libetpan's parsing and TLS included)
  parse     taking each mail apart (ingest_prepare: hash, MIME, sender, robot, form)
  record    the recorder's work that is not the request's: dedup keys, the inbound row,
            savepoints, the poll's own keys and journal
  evaluate  the request: created, validated, moved to its state, timers (its notices
            apart)
  render    the notices rendered and built (template_render + mail_build)
  queue     the notices' rows (notice_queue less the rendering)
  commit    COMMIT and the final checkpoint
  move      UID MOVE to the processed mailbox
Instruction counts do not depend on the load of the machine (wall-clock times do); SHA-256
runs nettle's generic code under valgrind, which hides the CPU's SHA instructions, so
`parse` counts more than the CPU does."""
import json, os, re, subprocess, sys


def inclusive(path):
    # From "/": in a source tree, callgrind_annotate lists some functions twice.
    out = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100",
                          "--auto=no", os.path.abspath(path)], cwd="/",
                         capture_output=True, text=True, check=True).stdout
    fn = {}
    total = 0
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+) .*PROGRAM TOTALS", line)
        if m:
            total = int(m.group(1).replace(",", ""))
            continue
        m = re.match(r"\s*([\d,]+) \([^)]*\)\s+(\S+?):(\S+?)(?:'\d+)? \[", line)
        if m:
            name = m.group(3).split(".")[0]      # foo.part.0, foo.constprop.0
            v = int(m.group(1).replace(",", ""))
            fn[name] = max(fn.get(name, 0), v)
    return total, fn


def main():
    path, n = sys.argv[1], int(sys.argv[2])
    total, f = inclusive(path)
    g = lambda *names: sum(f.get(x, 0) for x in names)
    # Functions of other files only: a static one may be inlined away.
    render = g("template_render", "mail_build")
    notices = g("notice_queue")
    commit = g("store_commit", "store_checkpoint")
    evaluate = g("evaluate_request", "store_request_create", "store_request_new_id",
                 "store_inbound_link", "confirm_mail") - notices
    rec = g("imap_poll_until")
    session = g("imap_conn_open", "imap_conn_select", "imap_conn_close")
    res = {
        "total": total / n,
        "recorder": rec / n,
        "reader": g("poll_reader_run") / n,
        "fetch": g("imap_conn_fetch_refs", "imap_conn_fetch_bodies") / n,
        "parse": g("ingest_prepare") / n,
        "record": (rec - session - evaluate - notices - commit) / n,
        "evaluate": evaluate / n,
        "render": render / n,
        "queue": (notices - render) / n,
        "commit": commit / n,
        "move": g("imap_conn_move") / n,
    }
    print(json.dumps({k: round(v) for k, v in res.items()}))


main()
