"""Fill in deploy/nginx/talimger.conf: `python3 deploy/render_nginx.py --port 8101 --port 8102 ...`.

Standard library only, so it runs before the bot is installed. Prints the config (or writes --out).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlsplit

TEMPLATE = Path(__file__).resolve().parent / "nginx" / "talimger.conf"


def render(ports: list[int], listen: str, webhook_path: str, server_name: str = "_",
           certificate: str | None = None, key: str | None = None, replica_host: str = "127.0.0.1") -> str:
    if not ports:
        raise ValueError("at least one replica port")
    if not webhook_path.startswith("/"):
        raise ValueError("the webhook path starts with /, e.g. /telegram")
    servers = "\n".join(f"    server {replica_host}:{port} max_fails=2 fail_timeout=10s;" for port in ports)
    tls = ""
    if certificate and key:
        tls = (f"    ssl_certificate {certificate};\n    ssl_certificate_key {key};\n"
               "    ssl_protocols TLSv1.2 TLSv1.3;\n")
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in {"@SERVERS@": servers, "@LISTEN@": listen, "@SERVER_NAME@": server_name, "@TLS@": tls,
                        "@WEBHOOK_PATH@": webhook_path}.items():
        text = text.replace(name, value)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, action="append", required=True, help="a replica's WEB_PORT (repeat)")
    parser.add_argument("--listen", default="443 ssl", help="nginx's listen (default '443 ssl')")
    parser.add_argument("--webhook-url", required=True, help="WEBHOOK_URL; its path is the one proxied")
    parser.add_argument("--server-name", default=None, help="default: WEBHOOK_URL's host")
    parser.add_argument("--certificate", help="ssl_certificate (a full chain PEM)")
    parser.add_argument("--key", help="ssl_certificate_key")
    parser.add_argument("--out", type=Path, help="write here instead of printing")
    args = parser.parse_args(argv)
    url = urlsplit(args.webhook_url)
    text = render(args.port, args.listen, url.path or "/", args.server_name or url.hostname or "_",
                  args.certificate, args.key)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
