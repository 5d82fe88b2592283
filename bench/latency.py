#!/usr/bin/env python3
"""latency.py MODE MAILDIR_ROOT SMTP_PORT RCPT FILE... : submits request mails to the
harness's Postfix and times each until its first notice is a file in the contact's Maildir
(MAILDIR_ROOT/DOMAIN/USER/{new,cur}, the contact read from the mail's Contact: line).

MODE seq:   one mail at a time with swaks (a new process and SMTP session each, as a
            person's mail client would), the next once the previous one's notice is there;
            the clock starts before swaks starts, so swaks's own start is counted.
MODE burst: every mail submitted at once over one SMTP session (smtplib), then all waited
            for; each mail's clock starts when its submission starts.
MODE submit: every mail submitted over one SMTP session, nothing waited for.
MODE idle: the floor of any IMAP IDLE client: one IDLE session (IMAPS on SMTP_PORT's
            place: the IMAPS port; $CA_FILE, $PASSWORD_FILE) on RCPT's INBOX; each FILE is
            written into that Maildir (as LMTP would) and timed until the server's EXISTS.
MODE run:   nothing submitted: the command in $RUN_CMD is started (a `picflow run` over
            mails already in the mailbox) and the clock starts with it.
Prints one JSON object: {"lat": [seconds per mail], "submit": [seconds swaks or the
session took per mail], "span": seconds from the first submission to the last notice,
"submitted": seconds from the first submission to the last accepted, "delivered": [seq:
seconds from submission until Dovecot had the mail in RCPT's INBOX]}."""
import json, os, re, smtplib, subprocess, sys, time

TIMEOUT = 60.0


def contact_dir(root, path):
    text = open(path, encoding="utf-8", errors="replace").read()
    user, domain = re.search(r"^Contact: *([^@\s]+)@(\S+)", text, re.M).groups()
    return os.path.join(root, domain, user)


def arrived(d):
    for sub in ("new", "cur"):
        try:
            if os.listdir(os.path.join(d, sub)):
                return True
        except FileNotFoundError:
            pass
    return False


def wait_for(dirs, pending, t_end):
    """Polls every millisecond until every index in pending has its notice; returns
    {index: monotonic time seen}."""
    seen = {}
    while pending and time.monotonic() < t_end:
        for i in list(pending):
            if arrived(dirs[i]):
                seen[i] = time.monotonic()
                pending.discard(i)
        if pending:
            time.sleep(0.001)
    if pending:
        sys.exit(f"latency: {len(pending)} notices never arrived (first: {dirs[min(pending)]})")
    return seen


def inbox_dir(root, rcpt):
    user, domain = rcpt.split("@")
    return os.path.join(root, domain, user)


def submit_all(port, rcpt, files, starts, submit):
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as s:
        s.ehlo("localhost")
        for f in files:
            starts.append(time.monotonic())
            s.sendmail("admin@bench.example", [rcpt], open(f, "rb").read())
            submit.append(time.monotonic() - starts[-1])


def idle_floor(root, port, rcpt, files):
    import pwd, socket, ssl
    ctx = ssl.create_default_context(cafile=os.environ["CA_FILE"])
    ctx.check_hostname = False
    sock = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)))
    f = sock.makefile("rb")

    def cmd(line, until):
        sock.sendall(line.encode() + b"\r\n")
        while True:
            r = f.readline()
            if not r or r.startswith(until.encode()):
                return r

    f.readline()
    pw = open(os.environ["PASSWORD_FILE"]).read().strip()
    cmd(f'a LOGIN "{rcpt}" "{pw}"', "a ")
    cmd("b SELECT INBOX", "b ")
    md, mail = inbox_dir(root, rcpt), pwd.getpwnam("mail")
    lat = []
    for i, path in enumerate(files):
        cmd(f"c{i} IDLE", "+")
        tmp = os.path.join(md, "tmp", f"floor.{os.getpid()}.{i}")
        with open(tmp, "wb") as out:
            out.write(open(path, "rb").read())
        os.chown(tmp, mail.pw_uid, mail.pw_gid)
        t0 = time.monotonic()
        os.rename(tmp, os.path.join(md, "new", os.path.basename(tmp)))
        while not f.readline().rstrip().endswith(b"EXISTS"):
            pass
        lat.append(time.monotonic() - t0)
        cmd("DONE", f"c{i} ")
    cmd("z LOGOUT", "z ")
    return lat


def main():
    mode, root, port, rcpt, files = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5:]
    inbox, delivered = inbox_dir(root, rcpt), []
    dirs = [contact_dir(root, f) for f in files]
    for d in dirs if mode != "idle" else []:
        if arrived(d):
            sys.exit(f"latency: {d} already holds mail")
    lat, submit = [], []
    t_first = time.monotonic()
    if mode == "seq":
        for i, f in enumerate(files):
            t0 = time.monotonic()
            subprocess.run(["swaks", "--server", "127.0.0.1", "--port", str(port), "--helo",
                            "localhost", "--from", "admin@bench.example", "--to", rcpt,
                            "--data", "@" + f, "--silent", "2", "--timeout", "30"], check=True)
            submit.append(time.monotonic() - t0)
            # Dovecot has it once it is in the INBOX (picflow moves it out soon after).
            while not arrived(inbox) and not arrived(dirs[i]) and time.monotonic() < t0 + TIMEOUT:
                time.sleep(0.001)
            delivered.append(time.monotonic() - t0)
            seen = wait_for(dirs, {i}, t0 + TIMEOUT)
            lat.append(seen[i] - t0)
        t_sub = t_first
    elif mode == "burst":
        starts = []
        submit_all(port, rcpt, files, starts, submit)
        t_sub = time.monotonic()
        seen = wait_for(dirs, set(range(len(files))), t_sub + TIMEOUT)
        lat = [seen[i] - starts[i] for i in range(len(files))]
    elif mode == "idle":
        lat = idle_floor(root, port, rcpt, files)
        print(json.dumps({"lat": lat}))
        return
    elif mode == "submit":
        submit_all(port, rcpt, files, [], submit)
        print(json.dumps({"submitted": time.monotonic() - t_first}))
        return
    elif mode == "run":
        t_sub = t_first
        proc = subprocess.Popen(os.environ["RUN_CMD"], shell=True)
        seen = wait_for(dirs, set(range(len(files))), t_first + TIMEOUT)
        lat = [seen[i] - t_first for i in range(len(files))]
        if proc.wait() != 0:
            sys.exit(f"latency: RUN_CMD exited {proc.returncode}")
    else:
        sys.exit("latency: MODE is seq, burst or wait")
    span = sum(lat) if mode == "seq" else max(seen.values()) - t_first
    print(json.dumps({"lat": lat, "submit": submit, "submitted": t_sub - t_first,
                      "span": span, "delivered": delivered}))


main()
