"""gunicorn settings for zhicun: `gunicorn -c deploy/gunicorn.conf.py` from the project folder.

Every value can be changed from the environment (GUNICORN_*), e.g. in /etc/zhicun/env.
"""

import multiprocessing
import os


def env_int(name: str, default: int) -> int:
    return int(os.getenv(name, default))


wsgi_app = "zhicun.wsgi:application"
bind = os.getenv("GUNICORN_BIND", "127.0.0.1:8000")

# Synchronous workers: pages are short database-bound requests. 2 × cores + 1 by default; mind
# PostgreSQL's max_connections (see README, "生产部署 / Production deployment").
workers = env_int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = env_int("GUNICORN_THREADS", 1)

# Load Django once in the master, then fork: less memory, and a broken release fails at start
# instead of in every worker. New code therefore needs a restart, not a HUP.
preload_app = True

# Recycle each worker after about this many requests (jitter spreads the restarts).
max_requests = env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = env_int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# Large exports and village PDFs take a while; nginx's proxy_read_timeout is a little longer.
timeout = env_int("GUNICORN_TIMEOUT", 120)
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = env_int("GUNICORN_KEEPALIVE", 5)

# Only our nginx may say the request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.getenv("ZHICUN_TRUSTED_PROXIES", "127.0.0.1,::1")

# Logs go to stdout/stderr (journald under systemd). The access log leaves out query strings and
# the Referer: search pages carry names and ID numbers in their query strings.
accesslog = os.getenv("GUNICORN_ACCESS_LOG", "-")
errorlog = os.getenv("GUNICORN_ERROR_LOG", "-")
loglevel = os.getenv("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
proc_name = "zhicun-web"
# No runtime control socket (gunicornc): its default place is under $HOME, which the systemd unit
# keeps read-only, and signals do everything needed here.
control_socket_disable = True
