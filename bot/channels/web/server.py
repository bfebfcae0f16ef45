"""The staff web desk over HTTP (aiohttp, pages from Jinja2 templates, no JavaScript).

Every page but the sign-in ones needs a session (``conversations.staff.web_access``): its secret
is in an HttpOnly, SameSite=Strict cookie, Secure when the desk is reached over https. Every form
that changes something carries the session's form token, and a POST without it changes nothing
(CSRF). Every response says that nothing is to be cached, sniffed, framed by another site or told
where it came from (the sign-in link's secret is in its address), and allows no script at all.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse
from multidict import MultiDictProxy

from bot.channels.web.charts import CHARTS, CountedReports, svg
from bot.shared.serving import serve_until_stopped
from conversations.application.flow import CENTER_TYPES
from conversations.dossier import lifecycle
from conversations.dossier.numbers import dossier_number, pdf_name
from conversations.staff.desk import StaffDesk, StaffError, waited
from conversations.staff.funnel import Funnel
from conversations.staff.web_access import SESSION_LIFETIME, SIGN_IN_PATH, SignedIn, WebAccess
from storage.models import Dossier, DossierStatus, StatusChange

log = logging.getLogger(__name__)

COOKIE = "cmm_desk"
HERE = Path(__file__).parent
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; frame-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
FEE_STATUSES = ("due", "paid", lifecycle.NOTHING_TO_PAY)
CENTERS = {option.value: option.label for option in CENTER_TYPES}
NO_PAGE = "The desk has no page at this address. Start again from the queue."
BROKE = "The desk failed to answer this. Reload the page; if it fails again, tell whoever runs the desk."
# What a dossier's forms do, and what the page says once one is done (the applicant is told of each).
DONE = {
    "start_review": "The review has started",
    "approve": "Approved",
    "reject": "Rejected",
    "request": "Information is requested",
    "paid": "The fee is marked paid",
}
# What the page says once staff's own records changed (the applicant is told nothing of these).
NOTED = {"claim": "It is yours to review", "release": "No one has it now", "note": "The note is saved"}

# A chart is an SVG document of its own, which styles itself (pygal's <style>) and runs nothing.
CHART_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"

DESK: web.AppKey[StaffDesk] = web.AppKey("desk", StaffDesk)
FUNNEL: web.AppKey[Funnel] = web.AppKey("funnel", Funnel)
COUNTED: web.AppKey[CountedReports] = web.AppKey("counted", CountedReports)
ACCESS: web.AppKey[WebAccess] = web.AppKey("access", WebAccess)
SECURE: web.AppKey[bool] = web.AppKey("secure", bool)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def staff_words(status: str) -> str:
    return status.replace("_", " ")


def history_entry(change: StatusChange) -> tuple[str, str]:
    """A line of the status history as staff read it: what happened, and staff's note. The fee
    marked paid is said as such, not as the status it left unchanged."""
    if lifecycle.marks_fee_paid(change):
        return "fee marked paid", ""
    return staff_words(change.status), change.note


class AccessLog(AbstractAccessLogger):
    """A line per request without what must not be in a log: a sign-in link's secret is in its
    path, and a search's words (applicants' names and emails) in the query."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        path = SIGN_IN_PATH + "…" if request.path.startswith(SIGN_IN_PATH) else request.path
        self.logger.info("%s %s %d %.0f ms", request.method, path, response.status, time * 1000)


@web.middleware
async def _headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except (web.HTTPNotFound, web.HTTPMethodNotAllowed) as error:
        if error.content_type == "text/html":  # a page of the desk's own already
            error.headers.update(SECURITY_HEADERS)
            raise
        allow = {"Allow": error.headers["Allow"]} if "Allow" in error.headers else {}
        return _problem(request, error.status, "No such page", NO_PAGE, allow)
    except web.HTTPException as error:
        error.headers.update(SECURITY_HEADERS)
        raise
    except Exception:
        route = request.match_info.route.resource  # its pattern: the path may hold a sign-in secret
        log.exception("the desk failed to answer %s %s", request.method, route.canonical if route else "?")
        return _problem(request, 500, "Something went wrong", BROKE)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)  # an evidence file may be framed by the desk's pages
    return response


def _problem(
    request: web.Request, status: int, title: str, problem: str, headers: dict[str, str] | None = None
) -> web.Response:
    """The desk's own page for a request it can't answer, with the headers of every response."""
    page = aiohttp_jinja2.render_string("problem.html", request, {"title": title, "problem": problem})
    return web.Response(
        status=status, text=page, content_type="text/html", headers={**SECURITY_HEADERS, **(headers or {})}
    )


async def _signed_in(request: web.Request) -> SignedIn:
    """The request's session, or a 401 page that says how to sign in."""
    secret = request.cookies.get(COOKIE, "")
    signed_in = await asyncio.to_thread(request.app[ACCESS].signed_in, secret) if secret else None
    if signed_in is None:
        raise _page_error(request, web.HTTPUnauthorized, "signed_out.html", {})
    return signed_in


async def _posted_by_staff(request: web.Request) -> tuple[SignedIn, MultiDictProxy]:
    """A form posted in a live session from one of its pages (its form token), and its fields;
    anything else is refused with 403 and changes nothing."""
    signed_in = await _signed_in(request)
    form = await request.post()
    if not signed_in.shows(str(form.get("form_token", ""))):
        log.warning("refused a form without this session's token from %s", signed_in.staff)
        raise _page_error(
            request,
            web.HTTPForbidden,
            "problem.html",
            {
                "problem": "This form did not come from your current session of the desk; nothing was changed. "
                "Reload the page and try again.",
                "signed_in": signed_in,
            },
        )
    return signed_in, form


def _page_error(request: web.Request, kind: type[web.HTTPException], template: str, context: dict) -> web.HTTPException:
    body = aiohttp_jinja2.render_string(template, request, context)
    return kind(text=body, content_type="text/html")


# -- signing in and out -------------------------------------------------------------------------


@aiohttp_jinja2.template("sign_in.html")
async def sign_in_page(request: web.Request) -> dict:
    """The link's page asks to press a button: opening a link uses nothing (a chat's link
    preview, a mail scanner), only the POST does."""
    return {"secret": request.match_info["secret"]}


async def sign_in(request: web.Request) -> web.StreamResponse:
    secret = str((await request.post()).get("secret", ""))
    opened = await asyncio.to_thread(request.app[ACCESS].sign_in, secret) if secret else None
    if opened is None:
        raise _page_error(request, web.HTTPForbidden, "link_refused.html", {})
    log.info("%s signed in to the web desk", opened.signed_in.staff)
    response = _see_other("/")
    response.set_cookie(
        COOKIE,
        opened.secret,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        secure=request.app[SECURE],
        samesite="Strict",
    )
    return response


async def sign_out(request: web.Request) -> web.StreamResponse:
    signed_in, _ = await _posted_by_staff(request)
    await asyncio.to_thread(request.app[ACCESS].sign_out, request.cookies.get(COOKIE, ""))
    log.info("%s signed out of the web desk", signed_in.staff)
    response = _see_other("/signed-out")
    response.del_cookie(COOKIE, path="/")
    return response


def _see_other(location: str) -> web.Response:
    """After a POST, the page to GET next (303)."""
    return web.Response(status=303, headers={"Location": location})


@aiohttp_jinja2.template("signed_out.html")
async def signed_out(request: web.Request) -> dict:
    return {"just_signed_out": True}


# -- looking ------------------------------------------------------------------------------------


@aiohttp_jinja2.template("queue.html")
async def queue(request: web.Request) -> dict:
    signed_in = await _signed_in(request)
    query = request.query
    status = query.get("status", "") if query.get("status", "") in {"", "all", *DossierStatus} else ""
    text = query.get("q", "").strip()[:200]
    if text and not status:  # a name searched for is looked for whatever its status
        status = "all"
    fee = query.get("fee", "") if query.get("fee", "") in FEE_STATUSES else ""
    center = query.get("center", "") if query.get("center", "") in CENTERS else ""
    every = status == "all"
    found = await asyncio.to_thread(request.app[DESK].queue, None if every else status or None, every=every)
    entries = [
        entry
        for entry in found
        if (not fee or entry.fee_status == fee) and (not center or entry.center_type == center) and entry.matches(text)
    ]
    return {
        "signed_in": signed_in,
        "entries": entries,
        "status": status,
        "fee": fee,
        "center": center,
        "text": text,
        "statuses": list(DossierStatus),
        "fees": FEE_STATUSES,
        "centers": CENTERS,
        "filtered": bool(request.query),
    }


@aiohttp_jinja2.template("funnel.html")
async def funnel(request: web.Request) -> dict:
    signed_in = await _signed_in(request)
    report = await asyncio.to_thread(request.app[FUNNEL].report)
    return {"signed_in": signed_in, "report": report, "counted": request.app[COUNTED].keep(report)}


async def funnel_chart(request: web.Request) -> web.StreamResponse:
    """A chart of the counts the page showed (``?of=``), or, once those are gone, of new ones."""
    await _signed_in(request)
    name = request.match_info["name"]
    if name not in CHARTS:
        raise web.HTTPNotFound()
    report = request.app[COUNTED].get(request.query.get("of", ""))
    if report is None:
        report = await asyncio.to_thread(request.app[FUNNEL].report)
    body = await asyncio.to_thread(svg, report, name)
    return web.Response(body=body, content_type="image/svg+xml", headers={"Content-Security-Policy": CHART_POLICY})


async def dossier(request: web.Request) -> web.StreamResponse:
    signed_in = await _signed_in(request)
    try:
        reading = await asyncio.to_thread(request.app[DESK].read, request.match_info["number"])
    except StaffError as error:
        context = {"title": "No such dossier", "problem": str(error), "signed_in": signed_in}
        raise _page_error(request, web.HTTPNotFound, "problem.html", context) from None
    dossier = reading.dossier
    done = request.query.get("done", "")
    return aiohttp_jinja2.render_template(
        "dossier.html",
        request,
        {
            "signed_in": signed_in,
            "reading": reading,
            "number": dossier_number(dossier),
            "center": CENTERS.get(dossier.content.get("training", {}).get("center_type", ""), "?"),
            "done": DONE.get(done, ""),
            "noted": NOTED.get(done, ""),
            "open": dossier.status in lifecycle.OPEN,
            "reviewing": dossier.status == DossierStatus.IN_REVIEW,
            "requestable": request.app[DESK].requestable(dossier),
            "evidence": await asyncio.to_thread(request.app[DESK].evidence, dossier),
        },
    )


async def act(request: web.Request) -> web.StreamResponse:
    """Start review, approve, reject or mark the fee paid: on the version the page showed, as the
    signed-in staff member, through the same lifecycle and notices as in the chats."""
    signed_in, form = await _posted_by_staff(request)
    number, action = request.match_info["number"], str(form.get("action", ""))
    version, note = _version(form), str(form.get("note", ""))
    desk = request.app[DESK]
    if action not in DONE or action == "request" or version is None:
        raise _refused(request, web.HTTPBadRequest, signed_in, number, UNKNOWN_FORM)
    try:
        if action == "paid":
            await asyncio.to_thread(desk.mark_paid, number, actor=signed_in.staff, version=version)
        else:
            await asyncio.to_thread(desk.act, number, action, actor=signed_in.staff, note=note, version=version)
    except StaffError as error:
        raise _refused(request, web.HTTPConflict, signed_in, number, str(error)) from None
    log.info("%s: %s on %s (web desk)", signed_in.staff, action, number)
    return _see_other(f"/dossiers/{number}?done={action}")


async def request_information(request: web.Request) -> web.StreamResponse:
    """Reopen the questions ticked, with the note, as Request information does in the chats."""
    signed_in, form = await _posted_by_staff(request)
    number, version = request.match_info["number"], _version(form)
    questions = [str(key) for key in form.getall("question", [])]
    if version is None:
        raise _refused(request, web.HTTPBadRequest, signed_in, number, UNKNOWN_FORM)
    if not questions:
        problem = "Tick at least one question, reference or section to ask the applicant about; nothing was changed."
        raise _refused(request, web.HTTPBadRequest, signed_in, number, problem)
    note = str(form.get("note", ""))
    try:
        await asyncio.to_thread(
            request.app[DESK].request_information, number, questions, actor=signed_in.staff, note=note, version=version
        )
    except StaffError as error:
        raise _refused(request, web.HTTPConflict, signed_in, number, str(error)) from None
    log.info("%s: request on %s (web desk)", signed_in.staff, number)
    return _see_other(f"/dossiers/{number}?done=request")


async def claim(request: web.Request) -> web.StreamResponse:
    """Assign the application to the signed-in staff member, or release it."""
    signed_in, form = await _posted_by_staff(request)
    number, release = request.match_info["number"], form.get("release") == "yes"
    try:
        await asyncio.to_thread(request.app[DESK].claim, number, actor=signed_in.staff, release=release)
    except StaffError as error:
        raise _refused(request, web.HTTPNotFound, signed_in, number, str(error)) from None
    return _see_other(f"/dossiers/{number}?done={'release' if release else 'claim'}")


async def add_note(request: web.Request) -> web.StreamResponse:
    signed_in, form = await _posted_by_staff(request)
    number = request.match_info["number"]
    try:
        await asyncio.to_thread(
            request.app[DESK].add_note, number, actor=signed_in.staff, text=str(form.get("text", ""))
        )
    except StaffError as error:
        raise _refused(request, web.HTTPBadRequest, signed_in, number, str(error)) from None
    return _see_other(f"/dossiers/{number}?done=note")


UNKNOWN_FORM = "The desk does not know this form; nothing was changed."


def _version(form: MultiDictProxy) -> int | None:
    version = str(form.get("version", ""))
    return int(version) if version.isdigit() else None


def _refused(
    request: web.Request, kind: type[web.HTTPException], signed_in: SignedIn, number: str, problem: str
) -> web.HTTPException:
    """A form on a dossier's page that did nothing: the page that says why, with the way back."""
    context = {"problem": problem, "signed_in": signed_in, "back": f"/dossiers/{number}"}
    return _page_error(request, kind, "problem.html", context)


async def _newest(request: web.Request) -> Dossier:
    """The newest version of the dossier the address names, for a signed-in session."""
    await _signed_in(request)
    try:
        return await asyncio.to_thread(request.app[DESK].newest, request.match_info["number"])
    except StaffError as error:
        raise web.HTTPNotFound(text=str(error)) from None


async def dossier_pdf(request: web.Request) -> web.StreamResponse:
    dossier = await _newest(request)
    pdf = await asyncio.to_thread(request.app[DESK].pdf, dossier)
    name = pdf_name(dossier)
    return web.Response(
        body=pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote(name)}"},
    )


# Evidence shown in the desk's own pages: what was checked as such when it was received.
VIEWABLE = {"application/pdf", "image/jpeg", "image/png"}


async def evidence_file(request: web.Request) -> web.StreamResponse:
    """An evidence file of the newest version, for staff alone: shown in the dossier's page (a
    PDF, JPEG or PNG as received), or downloaded with ``?download``."""
    dossier = await _newest(request)
    desk = request.app[DESK]
    items = await asyncio.to_thread(desk.evidence, dossier)
    index = request.match_info["index"]
    if not index.isdigit() or not 1 <= int(index) <= len(items):
        raise web.HTTPNotFound(text="No such evidence file.")
    item = items[int(index) - 1]
    content = await asyncio.to_thread(desk.storage.files.read, item.sha256)
    inline = item.mime in VIEWABLE and "download" not in request.query
    return web.Response(
        body=content,
        content_type=item.mime if item.mime in VIEWABLE else "application/octet-stream",
        headers={
            "Content-Disposition": f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(item.name)}",
            # Nothing in it runs, and only the desk's own pages may show it (a sandbox would keep the
            # browser's PDF viewer out too).
            "Content-Security-Policy": "default-src 'none'; img-src 'self'; frame-ancestors 'self'"
            + ("" if item.mime == "application/pdf" else "; sandbox"),
        },
    )


# How the desk's application runs (in the tests too).
RUNNER_OPTIONS: dict[str, Any] = {"access_log_class": AccessLog}


async def no_icon(request: web.Request) -> web.StreamResponse:
    """Browsers ask every site for an icon; the desk has none to give, and says so without a 404."""
    return web.Response(status=204)


def desk_app(desk: StaffDesk, access: WebAccess) -> web.Application:
    app = web.Application(middlewares=[_headers], client_max_size=64 * 1024)
    app[DESK] = desk
    app[FUNNEL] = Funnel(desk.storage, policy=desk.policy, flow=desk.flow)
    app[COUNTED] = CountedReports()
    app[ACCESS] = access
    app[SECURE] = access.base_url.startswith("https://")
    environment = aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)
    environment.filters["waited"] = waited
    environment.filters["staff_words"] = staff_words
    environment.filters["history_entry"] = history_entry
    environment.globals["fee_words"] = lifecycle.fee_words
    app.router.add_get("/", queue)
    app.router.add_get("/sign-in/{secret}", sign_in_page)
    app.router.add_post("/sign-in", sign_in)
    app.router.add_post("/sign-out", sign_out)
    app.router.add_get("/signed-out", signed_out)
    app.router.add_get("/funnel", funnel)
    app.router.add_get("/funnel/{name}.svg", funnel_chart)
    app.router.add_get("/dossiers/{number}", dossier)
    app.router.add_get("/dossiers/{number}/pdf", dossier_pdf)
    app.router.add_get("/dossiers/{number}/evidence/{index}", evidence_file)
    app.router.add_post("/dossiers/{number}/actions", act)
    app.router.add_post("/dossiers/{number}/request", request_information)
    app.router.add_post("/dossiers/{number}/claim", claim)
    app.router.add_post("/dossiers/{number}/notes", add_note)
    app.router.add_get("/favicon.ico", no_icon)
    app.router.add_static("/static", HERE / "static")
    return app


async def serve(desk: StaffDesk, access: WebAccess, host: str, port: int) -> None:
    """Serve until SIGINT or SIGTERM."""

    def started() -> None:
        log.info("the staff web desk is at %s (listening on %s:%d)", access.base_url, host, port)

    await serve_until_stopped(desk_app(desk, access), host, port, started=started, **RUNNER_OPTIONS)
