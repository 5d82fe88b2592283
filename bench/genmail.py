#!/usr/bin/env python3
"""genmail.py DIR N [START] [--big MB]: write N distinct, valid ~2 KB picflow
request mails (SPEC 1) as DIR/m000001.eml ...; each has its own agreement
number, Access Edge FQDN, SIP domain, contact and Message-ID. With --big,
write one mail whose body is padded with MB megabytes of base64 attachment
(a valid request in its first text part)."""
import base64, os, sys

HDR = (
    "Return-Path: <admin@c{n}.example>\r\n"
    "Received: from mx.c{n}.example (mx.c{n}.example [192.0.2.{o}])\r\n"
    "\tby mail.provider.example (Postfix) with ESMTPS id 4Z{n:08d}\r\n"
    "\tfor <provision@example.test>; Thu, 26 Nov 2026 05:00:00 +0000 (UTC)\r\n"
    "Received: from workstation.c{n}.example (unknown [198.51.100.{o}])\r\n"
    "\tby mx.c{n}.example (Postfix) with ESMTPSA id 7Q{n:08d}\r\n"
    "\tfor <provision@example.test>; Thu, 26 Nov 2026 04:59:58 +0000 (UTC)\r\n"
    "From: Administrator {n} <admin@c{n}.example>\r\n"
    "To: PIC Provisioning <provision@example.test>\r\n"
    "Subject: PIC provisioning request for agreement 6{n:07d}\r\n"
    "Message-ID: <req-{n}.{tag}@c{n}.example>\r\n"
    "Date: Thu, 26 Nov 2026 05:00:00 +0000\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8; format=flowed\r\n"
    "Content-Transfer-Encoding: 8bit\r\n"
    "Content-Language: en-US\r\n"
    "User-Agent: Mozilla/5.0 Thunderbird/115.5.0\r\n"
    "\r\n")

BODY = (
    "Hello,\r\n\r\n"
    "Please federate our Lync Server 2013 deployment with Skype. The details\r\n"
    "of our agreement and our Access Edge server follow.\r\n\r\n"
    "Action: provision\r\n"
    "Agreement-Type: volume-licensing\r\n"
    "Agreement-Number: 6{n:07d}\r\n"
    "Deployment: lync-server-2013\r\n"
    "Edge-FQDN: sip.c{n}.example\r\n"
    "SIP-Domain: c{n}.example\r\n"
    "Contact: admin@c{n}.example\r\n"
    "Networks: skype\r\n"
    "Language: en\r\n\r\n"
    "Thank you,\r\n"
    "-- \r\n"
    "Administrator {n}\r\n"
    "IT Operations, Customer {n} Ltd.\r\n"
    "+1 555 0100 ext. {o}\r\n\r\n")

FOOTER = ("CONFIDENTIALITY NOTICE: This e-mail message, including any attachments, "
          "is for the sole use of the intended recipient(s) and may contain "
          "confidential and privileged information. Any unauthorized review, use, "
          "disclosure or distribution is prohibited. If you are not the intended "
          "recipient, please contact the sender by reply e-mail and destroy all "
          "copies of the original message.")

def wrap(text, width=72):
    out, line = [], ""
    for w in text.split():
        if line and len(line) + 1 + len(w) > width:
            out.append(line)
            line = w
        else:
            line = (line + " " + w) if line else w
    out.append(line)
    return "\r\n".join(out) + "\r\n"

def mail(n, tag):
    m = HDR.format(n=n, o=n % 250 + 1, tag=tag) + BODY.format(n=n, o=n % 250 + 1)
    m += wrap(FOOTER) + "\r\n" + wrap(FOOTER.upper())
    # Pad to about 2 KB (whole lines, after the signature: not parsed).
    words = ("Our reference for this change is CHG-%07d; please quote it in "
             "any reply." % n).split()
    while len(m) < 2000:
        line = " ".join(words[:max(1, min(len(words), (2046 - len(m)) // 7))])
        m += line + "\r\n"
    return m

def big(n, tag, mb):
    boundary = "----=_Part_%d" % n
    h = HDR.format(n=n, o=n % 250 + 1, tag=tag).replace(
        "Content-Type: text/plain; charset=utf-8; format=flowed\r\n"
        "Content-Transfer-Encoding: 8bit\r\n",
        'Content-Type: multipart/mixed; boundary="%s"\r\n' % boundary)
    parts = ["--%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s" %
             (boundary, BODY.format(n=n, o=n % 250 + 1)),
             "--%s\r\nContent-Type: application/octet-stream; name=\"topology.bin\"\r\n"
             "Content-Transfer-Encoding: base64\r\n\r\n" % boundary]
    raw = os.urandom(mb * 1024 * 1024 * 3 // 4)
    b = base64.encodebytes(raw).replace(b"\n", b"\r\n").decode()
    return h + parts[0] + parts[1] + b + "--%s--\r\n" % boundary

def main():
    args = sys.argv[1:]
    bigmb = 0
    if "--big" in args:
        i = args.index("--big")
        bigmb = int(args[i + 1])
        del args[i:i + 2]
    d, count = args[0], int(args[1])
    start = int(args[2]) if len(args) > 2 else 1
    tag = os.urandom(4).hex()
    os.makedirs(d, exist_ok=True)
    for n in range(start, start + count):
        text = big(n, tag, bigmb) if bigmb else mail(n, tag)
        with open(os.path.join(d, "m%07d.eml" % n), "wb") as f:
            f.write(text.encode())

main()
