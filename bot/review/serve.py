"""Start the review console: ``python -m bot.review.serve [--port 5080] [--host 127.0.0.1]``.

Binds to localhost by default: the console shows patient conversations, so
exposing it is a deliberate choice (``--host 0.0.0.0`` behind TLS with
LES_CONSOLE_SECURE_COOKIES=1).
"""

from __future__ import annotations

import argparse

import uvicorn

from bot.common import settings
from bot.review.app import create_app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=settings.value("CONSOLE_HOST"))
    parser.add_argument("--port", type=int, default=int(settings.value("CONSOLE_PORT")))
    args = parser.parse_args(argv)
    # One worker: the index refresh lock lives in this process (and the failed-login counts,
    # unless LES_RATE_LIMIT_REDIS_URL puts them in Redis).
    uvicorn.run(create_app(), host=args.host, port=args.port, log_level="warning", proxy_headers=False,
                server_header=False)


if __name__ == "__main__":
    main()
