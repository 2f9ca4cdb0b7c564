"""The wellness application factory."""

import logging
from pathlib import Path

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import INSTANCE_DIR, Config, default_database_url, instance_secret_key
from .extensions import bootstrap, csrf, db, limiter, login_manager, migrate
from .redaction import SECRET_PATHS, RedactSecrets

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'; frame-ancestors 'none'"
)


def create_app(config_class=Config) -> Flask:
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="static",
        instance_path=str(INSTANCE_DIR.resolve()),
        instance_relative_config=True,
    )
    app.config.from_object(config_class)
    configure_defaults(app)
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_security(app)
    register_template_globals(app)
    register_commands(app)
    register_logging(app)
    return app


def configure_defaults(app: Flask) -> None:
    """Fill settings that depend on the instance folder: the database file and the secret key."""
    instance = Path(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = default_database_url(instance)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(instance)
    if app.config.get("PROXY_FIX_X_FOR"):
        hops = app.config["PROXY_FIX_X_FOR"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_extensions(app: Flask) -> None:
    from .database import configure_engine, lock_writes_for_posts
    from .people.auth import load_person_from_session
    from .people.security import use_fast_hashing

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    bootstrap.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "people.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_person_from_session)
    use_fast_hashing(bool(app.config.get("PASSWORD_HASH_FAST")))
    with app.app_context():
        configure_engine(db.engine)
    app.before_request(lock_writes_for_posts)


def register_blueprints(app: Flask) -> None:
    from . import calendar  # noqa: F401 - the spine's flush listener
    from .coaching import bp as coaching_bp
    from .duties import bp as duties_bp
    from .events import bp as events_bp
    from .feeds import bp as feeds_bp
    from .holidays import bp as holidays_bp
    from .home import bp as home_bp
    from .notifications import bp as notifications_bp
    from .outreach import bp as outreach_bp
    from .people import bp as people_bp
    from .retreats import bp as retreats_bp
    from .sgim import bp as sgim_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(retreats_bp)
    app.register_blueprint(outreach_bp)
    app.register_blueprint(holidays_bp)
    app.register_blueprint(coaching_bp)
    app.register_blueprint(duties_bp)
    app.register_blueprint(sgim_bp)


def register_error_handlers(app: Flask) -> None:
    from .errors import register_error_handlers as register

    register(app)


def register_security(app: Flask) -> None:
    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        # Pages whose address holds a link secret send no referrer; they and the page that shows a new
        # link are never cached.
        secret_in_path = bool(SECRET_PATHS.search(request.path))
        response.headers.setdefault("Referrer-Policy", "no-referrer" if secret_in_path else "same-origin")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if secret_in_path or request.endpoint == "people.invite_person":
            response.headers.setdefault("Cache-Control", "no-store")  # feeds set their own
        return response


def register_template_globals(app: Flask) -> None:
    from .dates import as_local, program_today
    from .people import permissions
    from .people.programs import PROGRAMS
    from .rich_text import render_markdown
    from .wording import ordinal, people_count

    app.jinja_env.globals.update(permissions.PREDICATES)
    app.jinja_env.globals["program_today"] = lambda: program_today(app.config["WELLNESS_TIMEZONE"])
    app.jinja_env.globals["program_name"] = app.config["WELLNESS_PROGRAM_NAME"]

    app.jinja_env.filters["people"] = people_count
    app.jinja_env.filters["ordinal"] = ordinal
    app.jinja_env.filters["program_label"] = lambda key: PROGRAMS[key].label if key in PROGRAMS else key
    app.jinja_env.filters["markdown"] = render_markdown

    @app.template_filter("local")
    def local(moment, fmt="%b %-d, %Y %-I:%M %p"):
        shown = as_local(moment, app.config["WELLNESS_TIMEZONE"])
        return shown.strftime(fmt) if shown else ""


def register_commands(app: Flask) -> None:
    from .coaching.cli import coaching_cli
    from .demo.cli import demo_cli
    from .duties.cli import duties_cli
    from .feeds.cli import feeds_cli
    from .holidays.cli import holidays_cli
    from .notifications.cli import notifications_cli
    from .people.cli import roster_cli, users_cli
    from .sgim.cli import sgim_cli

    app.cli.add_command(roster_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(notifications_cli)
    app.cli.add_command(feeds_cli)
    app.cli.add_command(holidays_cli)
    app.cli.add_command(coaching_cli)
    app.cli.add_command(sgim_cli)
    app.cli.add_command(duties_cli)


def register_logging(app: Flask) -> None:
    for name in ("werkzeug", "gunicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
    log = logging.getLogger("wellness")
    if not app.testing and not log.handlers:
        # Sign-in attempts and mail failures go to stderr, which gunicorn and systemd collect.
        handler = logging.StreamHandler()
        handler.addFilter(RedactSecrets())  # covers every wellness.* logger, whatever it logs
        handler.setFormatter(logging.Formatter("[%(asctime)s] %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
