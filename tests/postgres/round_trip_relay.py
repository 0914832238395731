"""A TCP relay between the bot and PostgreSQL that records its round trips.

A round trip is every time a client speaks again after the server answered it (or first);
each is recorded with its connection and what it asked: the SQL of a simple query (BEGIN,
COMMIT), of a statement being prepared ("PREPARE <sql>"), or of the prepared statement it runs.
"""
from __future__ import annotations

import asyncio
from contextlib import suppress
from dataclasses import dataclass


@dataclass(frozen=True)
class RoundTrip:
    connection: int
    sql: str


class RoundTripRelay:
    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._connections = 0
        self.round_trips: list[RoundTrip] = []
        self.port = 0

    async def start(self) -> None:
        """Listen on a free local port (`port`)."""
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with suppress(asyncio.CancelledError):
                await task

    async def _relay(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self._connections += 1
        connection = self._connections
        prepared: dict[bytes, str] = {}
        server_reader, server_writer = await asyncio.open_connection(*self._target)
        client_has_the_turn = False

        async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, from_client: bool) -> None:
            nonlocal client_has_the_turn
            try:
                while chunk := await reader.read(65536):
                    if from_client and not client_has_the_turn:
                        self.round_trips.append(RoundTrip(connection, _asked(chunk, prepared)))
                    client_has_the_turn = from_client
                    writer.write(chunk)
                    await writer.drain()
            except ConnectionError:
                pass
            finally:
                writer.close()

        upstream = asyncio.create_task(pipe(client_reader, server_writer, True))
        downstream = asyncio.create_task(pipe(server_reader, client_writer, False))
        self._tasks.update((upstream, downstream))
        try:
            await asyncio.gather(upstream, downstream)
        finally:
            self._tasks.difference_update((upstream, downstream))


def _asked(chunk: bytes, prepared: dict[bytes, str]) -> str:
    """What the first message of a client's turn asks (PostgreSQL's frontend protocol: a type
    byte, a 4-byte length, the body); the start-up and authentication messages are "?"."""
    asked = "?"
    position = 0
    while position + 5 <= len(chunk):
        kind = chunk[position:position + 1]
        length = int.from_bytes(chunk[position + 1:position + 5], "big")
        fields = chunk[position + 5:position + 1 + length].split(b"\0")
        if kind == b"P" and len(fields) > 1:  # Parse: statement name, query
            prepared[fields[0]] = fields[1].decode(errors="replace")
            sql = "PREPARE " + prepared[fields[0]]
        elif kind == b"B" and len(fields) > 1:  # Bind: portal name, statement name
            sql = prepared.get(fields[1], "?")
        elif kind == b"Q":
            sql = fields[0].decode(errors="replace")
        else:
            sql = "?"
        if asked == "?":
            asked = " ".join(sql.split())
        position += 1 + length
    return asked
