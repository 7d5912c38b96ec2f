"""Login, logout, language, own password; the administrator's user pages."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from itsdangerous import BadData, URLSafeTimedSerializer

from hrapp.auth import services, throttle
from hrapp.auth.forms import ROLE_LABELS, LoginForm, PasswordChangeForm, ResetPasswordForm, UserForm
from hrapp.auth.models import User
from hrapp.core.db import utcnow
from hrapp.core.forms import commit_or_refuse, show_domain_error
from hrapp.core.i18n import LANGUAGES
from hrapp.core.permissions import ALL_ROLES, Role, public, role_required
from hrapp.errors import DomainError
from hrapp.extensions import db, limiter, login_manager

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(login_id: str) -> User | None:
    """`login_id` is User.get_id() from the session or the remember-me cookie: '<id>:<token>'. A
    token that is no longer the user's (logout, new password, disabled) logs nobody in."""
    user_id, _sep, token = (login_id or "").partition(":")
    if not (user_id.isascii() and user_id.isdigit() and len(user_id) <= 12 and token):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not hmac.compare_digest(user.session_token.encode(), token.encode()):
        return None
    return user


@login_manager.unauthorized_handler
def unauthorized():
    if request.path.startswith("/api/"):
        return {"error": {"status": 401, "message": _("Log in first.")}}, 401
    flash(_("Please log in to open this page."), "info")
    return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: no scheme, no host, no protocol-relative //evil.example."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _device_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="hrapp.login-device")


def _device_from_cookie() -> tuple[int, str] | None:
    """(user id, nonce) of the device cookie a past successful login left in this browser."""
    config = current_app.config
    value = request.cookies.get(config["LOGIN_DEVICE_COOKIE"])
    if not value:
        return None
    try:
        user_id, nonce = _device_signer().loads(value, max_age=config["LOGIN_DEVICE_COOKIE_DAYS"] * 86400)
    except (BadData, TypeError, ValueError):
        return None
    if not isinstance(user_id, int) or not isinstance(nonce, str):
        return None
    return user_id, nonce


def _set_device_cookie(response, user: User, device: tuple[int, str] | None) -> None:
    config = current_app.config
    nonce = device[1] if device and device[0] == user.id else secrets.token_urlsafe(16)
    response.set_cookie(
        config["LOGIN_DEVICE_COOKIE"],
        _device_signer().dumps([user.id, nonce]),
        max_age=dt.timedelta(days=config["LOGIN_DEVICE_COOKIE_DAYS"]),
        secure=config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
        samesite="Lax",
    )


def _renew_session() -> None:
    """A fresh session at login: nothing set before it (CSRF token included) carries over."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def _keep_signed_in(user: User) -> None:
    """After ending a user's sessions on their own request, keep this one (with its remember-me)."""
    remembered = request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
    _renew_session()
    login_user(user, remember=bool(remembered))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("me.home"))
    form = LoginForm()
    if form.validate_on_submit():
        device = _device_from_cookie()
        try:
            user = services.authenticate(
                form.username.data,
                form.password.data,
                client=(request.remote_addr or "unknown")[:64],
                device=device,
                policy=throttle.LoginPolicy.from_config(current_app.config),
            )
        except services.LoginRefused as refused:
            db.session.commit()  # keep the attempt
            form.password.errors.append(refused.message)
        else:
            db.session.commit()
            _renew_session()
            login_user(user, remember=form.remember.data)
            response = redirect(_safe_next(request.args.get("next")) or url_for("me.home"))
            _set_device_cookie(response, user, device)
            return response
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@role_required(*ALL_ROLES)
def logout():
    """Logging out ends the user's sessions and remember-me cookies on every browser: sessions live
    in signed cookies, so a copied cookie can only be stopped by changing the token it carries."""
    services.end_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language/<code>", methods=["POST"])
@public
def set_language(code: str):
    if code not in LANGUAGES:
        abort(404)
    session["locale"] = code
    if current_user.is_authenticated:
        services.set_locale(current_user, code)
        db.session.commit()
    return redirect(_safe_next(request.form.get("next")) or url_for("me.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@role_required(*ALL_ROLES)
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_own_password(current_user, form.current_password.data, form.new_password.data)
        except DomainError as error:
            form.current_password.errors.append(error.message)
        else:
            db.session.commit()
            _keep_signed_in(current_user._get_current_object())
            flash(_("Your password has been changed; your other sessions have ended."), "success")
            return redirect(url_for("me.home"))
    return render_template("auth/change_password.html", form=form)


# --- administrator: users -------------------------------------------------------------------


def _street_choices():
    from hrapp.org.models import Street

    streets = db.session.scalars(sa.select(Street).order_by(Street.code)).all()
    return [(0, _("— all streets —"))] + [(street.id, f"{street.code} {street.name}") for street in streets]


def _officer_id_for(employee_no: str | None) -> int | None:
    if not employee_no:
        return None
    from hrapp.officers.models import Officer

    officer_id = db.session.scalar(sa.select(Officer.id).where(Officer.employee_no == employee_no.strip()))
    if officer_id is None:
        raise DomainError(_("No officer has employee number %(no)s.", no=employee_no), field="officer_employee_no")
    return officer_id


@bp.route("/admin/users")
@role_required(Role.ADMIN)
def users():
    query = request.args.get("q", "").strip()
    role = request.args.get("role", "")
    stmt = sa.select(User).order_by(User.username)
    if query:
        stmt = stmt.where(sa.or_(User.username.ilike(f"%{query}%"), User.display_name.ilike(f"%{query}%")))
    if role in set(Role):
        stmt = stmt.where(User.role == role)
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("auth/users.html", page=page, q=query, role=role, roles=ROLE_LABELS)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def user_new():
    form = UserForm()
    form.street_id.choices = _street_choices()
    if form.validate_on_submit():
        try:
            if not form.password.data:
                raise DomainError(_("An initial password is required."), field="password")
            user = services.create_user(
                form.username.data,
                form.password.data,
                form.role.data,
                display_name=form.display_name.data,
                street_id=form.street_id.data or None,
                officer_id=_officer_id_for(form.officer_employee_no.data),
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("User %(name)s created.", name=user.username), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=None)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    form.street_id.choices = _street_choices()
    if request.method == "GET":
        form.street_id.data = user.street_id or 0
        if user.officer_id:
            from hrapp.officers.models import Officer

            form.officer_employee_no.data = db.session.get(Officer, user.officer_id).employee_no
    del form.password
    if form.validate_on_submit():
        ok, _result = commit_or_refuse(
            form,
            lambda: services.update_user(
                user,
                role=form.role.data,
                display_name=form.display_name.data,
                street_id=form.street_id.data or None,
                officer_id=_officer_id_for(form.officer_employee_no.data),
                active=form.active.data,
                acting=current_user,
            ),
        )
        if ok:
            flash(_("User %(name)s saved.", name=user.username), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=user, reset_form=ResetPasswordForm())


@bp.route("/admin/users/<int:user_id>/password", methods=["POST"])
@role_required(Role.ADMIN)
def user_reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        db.session.commit()
        if user.id == current_user.id:
            _keep_signed_in(user)
        flash(_("Password of %(name)s reset; their sessions have ended.", name=user.username), "success")
    else:
        for message in form.password.errors:
            flash(message, "danger")
    return redirect(url_for("auth.user_edit", user_id=user.id))


@bp.route("/admin/login-attempts")
@role_required(Role.ADMIN)
def login_attempts():
    """Accounts with wrong passwords in the last 24 hours; `?username=` lists one name's attempts."""
    since = utcnow() - throttle.HISTORY
    username = request.args.get("username", "").strip()[:64]
    attempts = throttle.attempts_on(username, since=since) if username else []
    return render_template(
        "auth/login_attempts.html",
        accounts=throttle.attacked_accounts(since=since),
        username=username,
        attempts=attempts,
    )


# --- administrator: audit trail -------------------------------------------------------------


@bp.route("/admin/audit")
@role_required(Role.ADMIN)
def audit():
    from hrapp.core.audit import AuditEvent
    from hrapp.core.audit_display import entity_choices, present

    args = request.args
    stmt = sa.select(AuditEvent).order_by(AuditEvent.id.desc())
    if args.get("entity"):
        stmt = stmt.where(AuditEvent.entity == args["entity"])
    if args.get("entity_id"):
        stmt = stmt.where(AuditEvent.entity_id == args["entity_id"])
    if args.get("actor"):
        stmt = stmt.where(AuditEvent.actor_name == args["actor"])
    if args.get("action"):
        stmt = stmt.where(AuditEvent.action == args["action"])
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    entities = entity_choices(db.session.scalars(sa.select(AuditEvent.entity).distinct()))
    return render_template("auth/audit.html", page=page, lines=present(page.items), args=args, entities=entities)
