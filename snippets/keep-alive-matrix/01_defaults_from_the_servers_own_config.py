"""Python servers' keep-alive defaults, read from their own config objects."""

import gunicorn.config
import hypercorn.config
import uvicorn
import waitress.adjustments

gunicorn_settings = gunicorn.config.Config().settings
print("gunicorn worker_class:", gunicorn_settings["worker_class"].default)
#> gunicorn worker_class: sync
print("gunicorn keepalive:", gunicorn_settings["keepalive"].default)
#> gunicorn keepalive: 2
# log_config=None: reading the defaults must not set up uvicorn's logging.
uvicorn_config = uvicorn.Config(app=None, log_config=None)
print("uvicorn timeout_keep_alive:", uvicorn_config.timeout_keep_alive)
#> uvicorn timeout_keep_alive: 5
hypercorn_config = hypercorn.config.Config()
for name in ("keep_alive_timeout", "keep_alive_max_requests"):
    print(f"hypercorn {name}:", getattr(hypercorn_config, name))
    #> hypercorn keep_alive_timeout: 5.0
    #> hypercorn keep_alive_max_requests: 1000
waitress_adjustments = waitress.adjustments.Adjustments()
print("waitress channel_timeout:", waitress_adjustments.channel_timeout)
#> waitress channel_timeout: 120
print("waitress cleanup_interval:", waitress_adjustments.cleanup_interval)
#> waitress cleanup_interval: 30
