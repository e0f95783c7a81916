"""Real HTTP servers, run on loopback: what the keep-alive matrix measures.

    from servers.registry import SERVERS, SHORT
    from servers.process import running, start

servers/registry.py declares each server once: how it starts, what it needs,
where its defaults come from. servers/process.py starts and stops them.
servers/app.py and servers/app.js are the tiny app they serve.
`python -m servers --missing-debian-packages` lists what `make test` installs.
"""
