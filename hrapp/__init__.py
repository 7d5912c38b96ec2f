"""hrapp: the workforce and HR system for grid officers (网格员)."""

from __future__ import annotations

from flask import Flask


def create_app(config=None) -> Flask:
    """Build the application. `config` is a config class, a name (development, testing,
    production) or a dict of overrides on top of the environment's choice."""
    app = Flask(__name__, template_folder="../templates", instance_relative_config=False)
    register_config(app, config)
    register_extensions(app)
    register_request_guards(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_commands(app)
    register_background_work(app)
    register_risk_signals(app)
    register_assessment_sources(app)
    return app


def register_config(app: Flask, config) -> None:
    import config as settings

    overrides = config if isinstance(config, dict) else {}
    name = config if isinstance(config, str) else overrides.pop("CONFIG", None) if overrides else None
    config_class = config if isinstance(config, type) else settings.load(name)
    app.config.from_object(config_class)
    app.config.update(config_class.init())
    app.config.update(overrides)


def register_extensions(app: Flask) -> None:
    from hrapp.core.i18n import select_locale
    from hrapp.extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    import hrapp.models  # noqa: F401  (registers every table on the metadata)


def register_request_guards(app: Flask) -> None:
    from hrapp.core.http import register

    register(app)


def register_blueprints(app: Flask) -> None:
    from hrapp.api.admin import bp as api_admin_bp
    from hrapp.api.views import bp as api_bp
    from hrapp.assessments.views import bp as assessments_bp
    from hrapp.auth.views import bp as auth_bp
    from hrapp.certification.views import bp as certification_bp
    from hrapp.health import bp as health_bp
    from hrapp.integrity.views import bp as integrity_bp
    from hrapp.me.views import bp as me_bp
    from hrapp.notifications.views import bp as notifications_bp
    from hrapp.officers.views import bp as officers_bp
    from hrapp.org.views import bp as org_bp
    from hrapp.pay.views import bp as pay_bp
    from hrapp.tasks.views import bp as tasks_bp
    from hrapp.training.views import bp as training_bp
    from hrapp.workload.views import bp as workload_bp

    for blueprint in (
        health_bp,
        auth_bp,
        me_bp,
        org_bp,
        officers_bp,
        training_bp,
        certification_bp,
        pay_bp,
        integrity_bp,
        assessments_bp,
        notifications_bp,
        tasks_bp,
        workload_bp,
        api_bp,
        api_admin_bp,
    ):
        app.register_blueprint(blueprint)


def register_error_handlers(app: Flask) -> None:
    from hrapp.errors import register_error_handlers as register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from hrapp.templating import register

    register(app)


def register_commands(app: Flask) -> None:
    from hrapp.cli import register

    register(app)


def register_risk_signals(app: Flask) -> None:
    """Later domains' signals for the integrity draw (integrity never imports them)."""
    from hrapp.workload.risk_signals import register_risk_signals as register_workload_signals

    register_workload_signals()


def register_assessment_sources(app: Flask) -> None:
    """Assessments score the workload domain's measures (through a registration, so tests can
    score fixtures of their own)."""
    from hrapp.assessments.workload_source import register

    register()


def register_background_work(app: Flask) -> None:
    """Bind Celery to the app and load the task kinds; nothing is started here."""
    from hrapp.tasks.celery_app import init_celery

    init_celery(app)
    import hrapp.assessments.jobs  # noqa: F401  (registers its task kinds)
    import hrapp.tasks.jobs  # noqa: F401  (registers its task kinds)
    import hrapp.workload.tasks  # noqa: F401  (registers its task kinds)
