"""An SMTP sink for the mail tests: a real SMTP server (aiosmtpd) on 127.0.0.1 that accepts
every message and writes each one, decoded, as a JSON file in the folder given as argument:
{"mail_from", "rcpt_tos", "subject", "body", "content_type"}. Prints its port on the first line
of stdout once it listens; exits when stdin closes (the test that started it is gone).

Run by tests/tests/api/recovery.rs with the Python of ENTRAIDE_TEST_SMTP_PYTHON, which .ci/run
sets to a virtualenv holding the pinned aiosmtpd.
"""

import asyncio
import email
import email.policy
import json
import os
import sys
import threading

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "subject": str(message["subject"]),
            "content_type": message.get_content_type(),
            "body": body.get_content() if body is not None else "",
        }
        self.count += 1
        path = os.path.join(self.folder, f"{self.count:05d}.json")
        with open(path + ".tmp", "w", encoding="utf-8") as out:
            json.dump(record, out, ensure_ascii=False)
        os.replace(path + ".tmp", path)  # readers never see half a file
        return "250 OK"


def exit_when_stdin_closes():
    sys.stdin.read()
    os._exit(0)


async def main(folder):
    loop = asyncio.get_running_loop()
    sink = Sink(folder)
    server = await loop.create_server(
        lambda: SMTP(sink, decode_data=False, enable_SMTPUTF8=True), "127.0.0.1", 0
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
