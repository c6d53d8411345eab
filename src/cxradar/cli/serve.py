"""``cxradar serve``: the lookup service for channels (uvicorn + Starlette; docs/serve.md)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

__all__ = ["serve"]


@click.command("serve")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (TLS ends at the gateway in front).",
)
@click.option(
    "--port", default=8080, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on."
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes (they share the mapped card file).",
)
@click.option(
    "--keys",
    "keys_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="API key file (default $CXRADAR_KEYS, else ~/.config/cxradar/keys.json).",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Service settings (default conf/serve.yaml).",
)
def serve(
    run_dir: Path, host: str, port: int, workers: int, keys_path: Path | None, config: Path | None
) -> None:
    """Answer channels: is this caller on a care list, why, what to say - and take deliveries back.

    Serves the month last published into RUN_DIR ('cxradar publish'); a newly published month is
    picked up within a second, without a restart and without a failed request. Deliveries are
    stored durably in RUN_DIR/deliveries/ and read by the next 'cxradar run'.

    \b
    Example:
      cxradar keys create --channel hotline --scopes care:read,care:deliver
      cxradar publish runs/
      cxradar serve runs/ --host 0.0.0.0 --port 8080 --workers 2
      curl -H 'Authorization: Bearer cxr_…' http://127.0.0.1:8080/v1/subscribers/13812345678/care
    \b
    Routes: GET /v1/subscribers/{msisdn}/care · POST /v1/care:lookup ·
            POST /v1/subscribers/{msisdn}/care/deliveries · /healthz · /readyz · /v1/openapi.json
    Audit log: RUN_DIR/serve/audit/ (subjects as keyed hashes, never numbers).
    """
    import uvicorn

    from cxradar.serve.app import ENV_CONFIG, ENV_KEYS, ENV_RUN_DIR
    from cxradar.serve.keys import KeyRing
    from cxradar.serve.settings import default_keys_path, load_serve_config

    keys = (keys_path or default_keys_path()).resolve()
    KeyRing(keys)  # a missing or broken key file stops here, with its fix, before any worker starts
    load_serve_config(config)
    os.environ[ENV_RUN_DIR] = str(run_dir.resolve())
    os.environ[ENV_KEYS] = str(keys)
    if config is not None:
        os.environ[ENV_CONFIG] = str(config.resolve())
    click.echo(
        f"cxradar serve: http://{host}:{port} ({workers} worker{'s' if workers > 1 else ''}), RUN_DIR {run_dir}",
        err=True,
    )
    uvicorn.run(
        "cxradar.cli.serve:service_with_dashboard",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,  # its lines hold paths, and paths hold numbers: the audit log replaces it
        log_level="warning",
        loop="uvloop",
        http="cxradar.serve.http:HttpProtocol",  # httptools, one write a response
        lifespan="on",
        server_header=False,
        proxy_headers=False,  # the service reads no client address (the gateway in front enforces those)
    )


def service_with_dashboard() -> Any:
    """The worker factory: the lookup service (:func:`cxradar.serve.app.app_from_env`'s settings)
    with the bilingual dashboard mounted at ``/dashboard`` for keys of scope ``dashboard:read``.
    It lives here, in the front end, because the service sits below the dashboard's layer."""
    from cxradar.dashboard.asgi import create_dashboard_app
    from cxradar.serve.app import create_app, settings_from_env

    settings = settings_from_env()

    def authorise(request: Any) -> Any:
        from cxradar.serve.api_errors import ApiError

        try:
            request.state.service.authenticate(request, "dashboard:read")
        except ApiError as error:  # 401 / 403 in the service's one error shape
            return error.response()
        return None

    return create_app(settings, dashboard=create_dashboard_app(settings.run_dir, authorise))
