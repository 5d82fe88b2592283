#!/usr/bin/env python3
"""latency.py MODE MAILDIR_ROOT SMTP_PORT RCPT FILE... : submits request mails to the
harness's Postfix and times each until its first notice is a file in the contact's Maildir
(MAILDIR_ROOT/DOMAIN/USER/{new,cur}, the contact read from the mail's Contact: line).

MODE seq:   one mail at a time with swaks (a new process and SMTP session each, as a
            person's mail client would), the next once the previous one's notice is there;
            the clock starts before swaks starts, so swaks's own start is counted.
MODE burst: every mail submitted at once over one SMTP session (smtplib), then all waited
            for; each mail's clock starts when its submission starts.
MODE submit: every mail submitted over one SMTP session, nothing waited for; with
            $SUBMIT_WAIT_LOG (Postfix's log), until it says every one was delivered to RCPT.
MODE idle: the floor of any IMAP IDLE client: one IDLE session (IMAPS on SMTP_PORT's
            place: the IMAPS port; $CA_FILE, $PASSWORD_FILE) on RCPT's INBOX; each FILE is
            written into that Maildir (as LMTP would) and timed until the server's EXISTS.
MODE bursts DIR N BURST SUBMIT RUN: the same burst under watch and with cron, N times each
            (the JSON of this script's burst, submit and run modes, DIR/BURST etc. with the
            run's number 1..N in place of %d): prints the number of the watch burst whose span
            is the median, the number of the cron one whose delivery plus run is, and four
            comma-separated lists: every watch span, the host's busy CPU over each, every
            cron delivery plus run, the busy CPU over each.
MODE cycles LOG FROM TO: the cycles watch logged between lines FROM (exclusive) and TO
            (inclusive) of LOG, each with its duration ("... (N ms)"): prints their total in
            seconds, their number and their durations joined by "+" (in ms).
MODE stats FILE KEY: prints the median, 99th percentile and worst of KEY's list in FILE (the
            JSON of an earlier run), in seconds.
MODE run:   nothing submitted: the command in $RUN_CMD is started (a `picflow run` over
            mails already in the mailbox) and the clock starts with it.
The IMAP server is Dovecot, whose Maildirs are under MAILDIR_ROOT, unless these say otherwise:
$DELIVERED_LOG, $DELIVERED_MATCH: seq: the mail is "delivered" when a new line of that log
            (Postfix's) matches that regular expression (its LMTP relay and "status=sent",
            say), not when RCPT's Maildir has it.
$SUBMIT_WAIT_LOG: burst, submit: Postfix's log, where a line "to=<RCPT>, ... status=sent"
            says a mail was delivered to the IMAP server.
$LMTP_PORT: idle: each FILE is delivered to RCPT by LMTP on this port (the clock starts with
            its transaction), not written into the Maildir.
$RUN_LOOP:  seq: this command (a `picflow run`) runs over and over, $LOOP_SECS (0.1) apart,
            while the mails are submitted: the floor of a poll loop, without watch.
Prints one JSON object: {"lat": [seconds per mail], "submit": [seconds swaks or the
session took per mail], "span": seconds from the first submission to the last notice,
"submitted": seconds from the first submission to the last accepted, "delivered": [seq:
seconds from submission until Dovecot had the mail in RCPT's INBOX], "cpu": this script's
own CPU seconds, "host_busy": the host's busy CPU seconds over the measurement}, and in burst
and submit with $SUBMIT_WAIT_LOG "all_delivered": seconds from the first submission until
Postfix had delivered every mail (submit prints only that, "submitted" and "host_busy")."""
import ctypes, json, os, re, resource, select, smtplib, struct, subprocess, sys, threading, time

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


class Arrivals:
    """Tells when each contact's first notice is a file in its Maildir, woken by the kernel
    (inotify) instead of looking: a loop listing a hundred directories every millisecond
    used half a core of this two-core host while Postfix, Dovecot and picflow worked. A
    contact's Maildir (ROOT/DOMAIN/USER, with new/ and cur/) is made by Dovecot's first
    delivery to it, so every directory on its way is watched as soon as it exists, and looked
    into once watched (what came before the watch is seen then, what came after wakes us)."""
    IN_MOVED_TO, IN_CREATE, IN_Q_OVERFLOW = 0x80, 0x100, 0x4000

    def __init__(self, root, dirs):
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.fd = self.libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            sys.exit("latency: inotify_init1: " + os.strerror(ctypes.get_errno()))
        self.dirs, self.wds, self.watched = dirs, {}, set()
        # Each contact's way down from the root, and who waits on each step of it: a
        # directory made in a watched one matters if it is on someone's way, a file only
        # in new/ or cur/.
        self.chains, self.step, self.leaf = [], {}, {}
        for i, d in enumerate(dirs):
            parts = os.path.relpath(d, root).split(os.sep)
            way = [os.path.join(root, *parts[:k]) for k in range(len(parts) + 1)]
            leaves = [os.path.join(d, "new"), os.path.join(d, "cur")]
            self.chains.append(way + leaves)
            for p in way[1:] + leaves:
                self.step.setdefault(p, set()).add(i)
            for p in leaves:
                self.leaf.setdefault(p, set()).add(i)

    def look(self, i, pending, seen):
        """Watches what exists of i's way down, then looks whether its notice is there."""
        for p in self.chains[i]:
            if p not in self.watched:
                wd = self.libc.inotify_add_watch(self.fd, p.encode(),
                                                 self.IN_MOVED_TO | self.IN_CREATE)
                if wd < 0:
                    break    # not made yet, nor what is below it (new/ before cur/)
                self.wds[wd] = p
                self.watched.add(p)
        if arrived(self.dirs[i]):
            seen[i] = time.monotonic()
            pending.discard(i)

    def wait(self, pending, t_end, tick=None):
        """Until every index in pending has its notice (tick, unless None, called every
        millisecond meanwhile); returns {index: monotonic time seen}."""
        seen = {}
        for i in sorted(pending):
            self.look(i, pending, seen)
        while pending and time.monotonic() < t_end:
            if tick:
                tick()
            r, _, _ = select.select([self.fd], [], [], 0.001 if tick else 0.1)
            if not r:
                continue
            buf, off, todo = os.read(self.fd, 1 << 16), 0, set()
            while off < len(buf):
                wd, mask, _, n = struct.unpack_from("iIII", buf, off)
                name = buf[off + 16:off + 16 + n].rstrip(b"\0").decode()
                off += 16 + n
                if mask & self.IN_Q_OVERFLOW:
                    todo |= pending
                elif wd in self.wds:
                    d = self.wds[wd]
                    todo |= self.leaf.get(d, set()) | self.step.get(os.path.join(d, name), set())
            for i in sorted(todo & pending):
                self.look(i, pending, seen)
        if pending:
            sys.exit(f"latency: {len(pending)} notices never arrived (first: {self.dirs[min(pending)]})")
        return seen


def wait_for(root, dirs, pending, t_end, tick=None):
    """Blocks until every index in pending has its notice; returns {index: time seen}."""
    a = Arrivals(root, dirs)
    try:
        return a.wait(set(pending), t_end, tick)
    finally:
        os.close(a.fd)


def busy():
    """The seconds every CPU of the host has spent busy (not idle nor waiting) since boot."""
    v = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


def inbox_dir(root, rcpt):
    user, domain = rcpt.split("@")
    return os.path.join(root, domain, user)


class Deliveries:
    """Postfix's log lines saying that a mail to rcpt was delivered (status=sent), counted
    from now on; at is the monotonic time the n-th was seen (None before)."""

    def __init__(self, path, rcpt, n):
        self.log, self.n, self.at = LogWatch(path, r"to=<%s>,.*status=sent" % re.escape(rcpt)), n, None

    def tick(self):
        if self.at is None:
            self.log.poll()
            if self.log.seen >= self.n:
                self.at = time.monotonic()

    def wait(self, t_end):
        """Until the n-th delivery, or exits at t_end."""
        while self.at is None and time.monotonic() < t_end:
            self.tick()
            time.sleep(0.001)
        if self.at is None:
            sys.exit(f"latency: Postfix's log never said all {self.n} mails were delivered")
        return self.at


class LogWatch:
    """The lines a log gains that match a regular expression: delivered() is true once one
    came after mark() (the log is read on from where it was, never again from its start)."""

    def __init__(self, path, match):
        self.f, self.match, self.seen = open(path, "rb"), re.compile(match.encode()), 0
        self.f.seek(0, os.SEEK_END)
        self.buf = b""

    def mark(self):
        self.poll()
        self.seen = 0

    def poll(self):
        self.buf += self.f.read()
        *lines, self.buf = self.buf.split(b"\n")
        self.seen += sum(1 for line in lines if self.match.search(line))

    def delivered(self):
        self.poll()
        return self.seen > 0


def run_loop(cmd, stop):
    """$RUN_LOOP every $LOOP_SECS until stop is set; a failing run ends the benchmark."""
    pause = float(os.environ.get("LOOP_SECS", "0.1"))
    while not stop.is_set():
        rc = subprocess.run(cmd, shell=True).returncode
        if rc != 0:
            print(f"latency: RUN_LOOP exited {rc}", file=sys.stderr, flush=True)
            os._exit(1)
        stop.wait(pause)


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
    lmtp = smtplib.LMTP("127.0.0.1", int(os.environ["LMTP_PORT"])) if "LMTP_PORT" in os.environ else None
    if lmtp:
        lmtp.ehlo("localhost")
    lat = []
    for i, path in enumerate(files):
        cmd(f"c{i} IDLE", "+")
        if lmtp:
            data = open(path, "rb").read()
            t0 = time.monotonic()
            lmtp.sendmail("admin@bench.example", [rcpt], data)
        else:
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
    if lmtp:
        lmtp.quit()
    return lat


def stats(path, key):
    """latency.py stats FILE KEY: the median, 99th percentile and worst of a list in
    latency.py's JSON, in seconds."""
    import math
    v = sorted(json.load(open(path))[key])
    print("%.3f %.3f %.3f" % (v[(len(v) - 1) // 2], v[math.ceil(0.99 * len(v)) - 1], v[-1]))


def bursts(d, n, burst, submit, run):
    """latency.py bursts: the median runs of both sides, and every run's figures."""
    def load(pat, r):
        return json.load(open(os.path.join(d, pat % r)))
    runs = range(1, int(n) + 1)
    w = [load(burst, r) for r in runs]
    c = [(load(submit, r), load(run, r)) for r in runs]
    ws = [b["span"] for b in w]
    cs = [s["all_delivered"] + r["span"] for s, r in c]
    med = lambda v: sorted(zip(v, runs))[(len(v) - 1) // 2][1]
    lst = lambda v: ",".join("%.2f" % x for x in v)
    print(med(ws), med(cs), lst(ws), lst(b["host_busy"] for b in w), lst(cs),
          lst(s["host_busy"] + r["host_busy"] for s, r in c))


def cycles(log, first, last):
    """latency.py cycles: watch's own time for a burst, from its log."""
    with open(log, errors="replace") as f:
        lines = f.read().splitlines()[int(first):int(last)]
    ms = [int(m.group(1)) for m in (re.match(r"^picflow: info: watch \(.*\((\d+) ms\)$", l)
                                    for l in lines) if m]
    print("%.3f %d %s" % (sum(ms) / 1000, len(ms), "+".join(map(str, ms))))


def main():
    if sys.argv[1] == "cycles":
        return cycles(*sys.argv[2:5])
    if sys.argv[1] == "stats":
        return stats(sys.argv[2], sys.argv[3])
    if sys.argv[1] == "bursts":
        return bursts(*sys.argv[2:7])
    mode, root, port, rcpt, files = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5:]
    inbox, delivered = inbox_dir(root, rcpt), []
    dirs = [contact_dir(root, f) for f in files]
    for d in dirs if mode != "idle" else []:
        if arrived(d):
            sys.exit(f"latency: {d} already holds mail")
    lat, submit, out = [], [], {}
    busy0, t_first = busy(), time.monotonic()
    log = LogWatch(os.environ["DELIVERED_LOG"], os.environ["DELIVERED_MATCH"]) \
        if "DELIVERED_LOG" in os.environ else None
    stop, loop = threading.Event(), None
    if mode == "seq" and "RUN_LOOP" in os.environ:
        loop = threading.Thread(target=run_loop, args=(os.environ["RUN_LOOP"], stop),
                                daemon=True)
        loop.start()
    if mode == "seq":
        for i, f in enumerate(files):
            if log:
                log.mark()
            t0 = time.monotonic()
            subprocess.run(["swaks", "--server", "127.0.0.1", "--port", str(port), "--helo",
                            "localhost", "--from", "admin@bench.example", "--to", rcpt,
                            "--data", "@" + f, "--silent", "2", "--timeout", "30"], check=True)
            submit.append(time.monotonic() - t0)
            # Dovecot has it once it is in the INBOX (picflow moves it out soon after).
            while not (log.delivered() if log else arrived(inbox)) and not arrived(dirs[i]) \
                    and time.monotonic() < t0 + TIMEOUT:
                time.sleep(0.001)
            delivered.append(time.monotonic() - t0)
            seen = wait_for(root, dirs, {i}, t0 + TIMEOUT)
            lat.append(seen[i] - t0)
        t_sub = t_first
        if loop:
            stop.set()
            loop.join()
    elif mode == "burst":
        starts = []
        deliv = Deliveries(os.environ["SUBMIT_WAIT_LOG"], rcpt, len(files)) \
            if "SUBMIT_WAIT_LOG" in os.environ else None
        submit_all(port, rcpt, files, starts, submit)
        t_sub = time.monotonic()
        seen = wait_for(root, dirs, set(range(len(files))), t_sub + TIMEOUT,
                        deliv.tick if deliv else None)
        lat = [seen[i] - starts[i] for i in range(len(files))]
        if deliv:
            out["all_delivered"] = deliv.wait(t_sub + TIMEOUT) - t_first
    elif mode == "idle":
        lat = idle_floor(root, port, rcpt, files)
        print(json.dumps({"lat": lat}))
        return
    elif mode == "submit":
        deliv = Deliveries(os.environ["SUBMIT_WAIT_LOG"], rcpt, len(files)) \
            if "SUBMIT_WAIT_LOG" in os.environ else None
        submit_all(port, rcpt, files, [], submit)
        out["submitted"] = time.monotonic() - t_first
        if deliv:
            out["all_delivered"] = deliv.wait(t_first + TIMEOUT) - t_first
        out["host_busy"] = busy() - busy0
        print(json.dumps(out))
        return
    elif mode == "run":
        t_sub = t_first
        proc = subprocess.Popen(os.environ["RUN_CMD"], shell=True)
        seen = wait_for(root, dirs, set(range(len(files))), t_first + TIMEOUT)
        lat = [seen[i] - t_first for i in range(len(files))]
        if proc.wait() != 0:
            sys.exit(f"latency: RUN_CMD exited {proc.returncode}")
    else:
        sys.exit("latency: MODE is seq, burst or wait")
    span = sum(lat) if mode == "seq" else max(seen.values()) - t_first
    ru = resource.getrusage(resource.RUSAGE_SELF)
    out.update({"lat": lat, "submit": submit, "submitted": t_sub - t_first, "span": span,
                "delivered": delivered, "cpu": ru.ru_utime + ru.ru_stime,
                "host_busy": busy() - busy0})
    print(json.dumps(out))


main()
