"""The composition root: settings -> database -> storage -> engine. Entry points start here."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy import Engine as DatabaseEngine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.delivery.dispatcher import Dispatcher, Sender
from bot.delivery.mail import MailSender, SmtpServer
from bot.delivery.staff_folder import FolderStaffSender
from bot.faq_client import RemoteMatcher
from bot.settings import Settings
from conversations.application.asking import Asking
from conversations.application.engine import ConversationEngine
from conversations.notices import EMAIL, STAFF_FOLDER
from conversations.reminders import Reminders
from conversations.staff.desk import StaffDesk
from conversations.staff.web_access import WebAccess
from storage.database import is_sqlite, make_engine, normalize_url
from storage.files import FileStore
from storage.migrate import is_current, upgrade
from storage.sweep import sweep_files
from storage.unit_of_work import Storage

log = logging.getLogger(__name__)


class StartupError(SystemExit):
    """A problem the operator must fix before the bot can run; the message says how."""


def open_database(settings: Settings) -> DatabaseEngine:
    """The database engine, with the schema brought up to date (or a clear stop).

    SQLite is always migrated in place. PostgreSQL is too unless ``AUTO_MIGRATE=false``, in
    which case an out-of-date schema stops the bot with the command to run.
    """
    database = make_engine(settings.database_url)
    shown = make_url(normalize_url(settings.database_url)).render_as_string(hide_password=True)
    try:
        if settings.auto_migrate or is_sqlite(settings.database_url):
            upgrade(database)
        elif not is_current(database):
            raise StartupError(
                f"The database schema at {shown} is not up to date. Run `python -m bot migrate` (or `make migrate`)."
            )
    except OperationalError as error:
        raise StartupError(f"Can't open the database at {shown}: {error.orig}. Check DATABASE_URL.") from None
    return database


def build_storage(settings: Settings) -> Storage:
    return Storage(open_database(settings), FileStore(settings.files_dir))


def build_engine(settings: Settings, storage: Storage | None = None) -> ConversationEngine:
    """The engine of a chat channel; its FAQ index is made in the background from the start (or,
    with ``FAQ_URL``, the FAQ process is asked instead), and the files a save cut off left in the
    store are swept first."""
    asking = Asking(
        support_destinations=settings.support_destinations(),
        matcher=RemoteMatcher(settings.faq_url) if settings.faq_url else None,
        cache=settings.faq_cache_dir,
    )
    asking.start()
    storage = storage or build_storage(settings)
    swept = sweep_files(storage)
    if swept:
        log.info("removed %d stored files that no evidence record refers to (saves cut off)", len(swept))
    return ConversationEngine(
        storage,
        policy=settings.policy(),
        staff_destinations=settings.staff_destinations(),
        asking=asking,
    )


def build_desk(settings: Settings, storage: Storage) -> StaffDesk:
    return StaffDesk(storage, policy=settings.policy())


def build_web_access(settings: Settings, storage: Storage) -> WebAccess:
    """Sign-in links and sessions of the staff web desk, which staff reach at ``settings.web_url()``."""
    return WebAccess(storage, base_url=settings.web_url())


def outbox_dispatcher(
    settings: Settings,
    storage: Storage,
    desk: StaffDesk,
    senders: dict[str, Sender],
    echo: Callable[[str], None] | None = None,
) -> Dispatcher:
    """A dispatcher for ``senders``, plus the staff folder when dossiers go there, and email when
    SMTP is configured (every process with the settings sends it; the lease keeps each email to
    one of them)."""
    if STAFF_FOLDER in settings.staff_destinations():
        senders = {**senders, STAFF_FOLDER: FolderStaffSender(settings.staff_folder_path(), desk, echo)}
    if settings.smtp_url is not None and settings.mail_from is not None:
        server = SmtpServer.from_url(settings.smtp_url.get_secret_value())
        senders = {**senders, EMAIL: MailSender(server, settings.mail_from, desk)}
    reminders = Reminders(storage, policy=settings.reminder_policy())

    def housekeeping() -> int:
        with storage.transaction() as tx:
            tx.inbox.forget_processed(kept=dt.timedelta(days=settings.processed_ids_kept_days))
            tx.arrivals.forget(before=tx.now - dt.timedelta(days=1))
        return reminders.send_due()

    return Dispatcher(
        storage,
        senders,
        lease=dt.timedelta(seconds=settings.outbox_lease_seconds),
        first_retry=dt.timedelta(seconds=settings.outbox_first_retry_seconds),
        schedule=housekeeping,
    )
