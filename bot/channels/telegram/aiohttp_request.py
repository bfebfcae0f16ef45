"""python-telegram-bot's calls to the Bot API, made with aiohttp.

python-telegram-bot makes every HTTP request through a ``BaseRequest``, which "can be implemented
via different asyncio HTTP libraries"; the one it ships is on httpx. Measured side by side on
loopback (20 calls at a time), httpx's asyncio client costs about 1.2 ms of CPU a call and
aiohttp's about 0.1 ms: httpx goes through anyio, and its connection pool asks every idle
connection whether it has expired on each request. At one or two calls per applicant message,
that was a fifth of the bot's CPU (``docs/performance.md``). aiohttp is already the project's HTTP
server library (the Slack stand-in, the FAQ process).

The timeouts mean what python-telegram-bot's do, as far as aiohttp has them: ``connect_timeout``
to open a connection, ``pool_timeout`` to wait for a free one (at most ``connection_pool_size``
are open), ``read_timeout`` between two reads of the answer. aiohttp has no write timeout, and
starts its read timeout once the request is sent: an upload is bounded as a whole, by the sum of
the four (``media_write_timeout`` as its write). A timeout is python-telegram-bot's ``TimedOut``;
any other failure to reach Telegram its ``NetworkError``, as with httpx. As with httpx, the
certificates are certifi's and a proxy set in the environment (``HTTPS_PROXY``, ``NO_PROXY``) is
used, read once per Bot API server: aiohttp's own ``trust_env`` reads the environment and
``~/.netrc`` again in a thread for every request (httpx reads no netrc).
"""

from __future__ import annotations

import ssl
import urllib.request

import aiohttp
import certifi
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# python-telegram-bot's defaults for HTTPXRequest, in seconds.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 5.0
WRITE_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
MEDIA_WRITE_TIMEOUT = 20.0


class AiohttpRequest(BaseRequest):
    def __init__(
        self,
        *,
        connection_pool_size: int = 256,
        connect_timeout: float | None = CONNECT_TIMEOUT,
        read_timeout: float | None = READ_TIMEOUT,
        write_timeout: float | None = WRITE_TIMEOUT,
        pool_timeout: float | None = POOL_TIMEOUT,
        media_write_timeout: float | None = MEDIA_WRITE_TIMEOUT,
    ) -> None:
        self._pool_size = connection_pool_size
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, str | None] = {}  # by scheme://host:port

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # As httpx does: certifi's certificates (and the environment's proxy: see _proxy).
            certificates = ssl.create_default_context(cafile=certifi.where())
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ssl=certificates),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        upload = request_data is not None and request_data.contains_files
        read = _given(read_timeout, self._read_timeout)
        write = _given(write_timeout, self._media_write_timeout if upload else self._write_timeout)
        connect = _given(connect_timeout, self._connect_timeout)
        pool = _given(pool_timeout, self._pool_timeout)
        timeout = aiohttp.ClientTimeout(
            # aiohttp times no write, and its read timeout starts once the body is sent: an upload
            # is bounded as a whole.
            total=_sum(connect, pool, write, read) if upload else None,
            connect=_sum(connect, pool),
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with self._session.request(
                method, url, data=_body(request_data), timeout=timeout, proxy=self._proxy(url)
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp.ServerTimeoutError too
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: {error}") from error

    def _proxy(self, url: str) -> str | None:
        """The proxy the environment names for ``url``'s server (``HTTPS_PROXY`` for https,
        unless ``NO_PROXY`` names the host), looked up once per server."""
        scheme, _, rest = url.partition("://")
        server = rest.split("/", 1)[0]
        key = f"{scheme}://{server}"
        if key not in self._proxies:
            proxies = urllib.request.getproxies_environment()
            bypass = urllib.request.proxy_bypass_environment(server, proxies)  # type: ignore[attr-defined]  # not in typeshed
            self._proxies[key] = None if bypass else proxies.get(scheme)
        return self._proxies[key]


def _sum(*timeouts: float | None) -> float | None:
    """Timeouts one after another; None (none) if any is."""
    return None if None in timeouts else sum(timeout for timeout in timeouts if timeout is not None)


def _given(value: ODVInput[float], default: float | None) -> float | None:
    """A call's timeout, or this request's default when the call gave none."""
    return default if isinstance(value, DefaultValue) else value


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """The call's parameters as a form, as python-telegram-bot sends them; with its files, a
    multipart form."""
    if request_data is None:
        return None
    if not request_data.contains_files:
        return request_data.json_parameters
    form = aiohttp.FormData(quote_fields=False)  # a file name as it is, as httpx sends it
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (file_name, content, mime_type) in request_data.multipart_data.items():
        form.add_field(name, content, filename=file_name, content_type=mime_type)
    return form
