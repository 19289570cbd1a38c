"""asyncio TCP echo: a server and its clients in one event loop.

selftest: a server on 127.0.0.1 (a free port the kernel picks) and CLIENTS
concurrent clients, each sending LINES lines and reading every echo back;
prints a result independent of scheduling.
serve PORT: an echo server on 127.0.0.1:PORT until killed (the host is the
client); prints "listening" once it accepts connections.
"""
import asyncio
import hashlib
import sys

CLIENTS = 8
LINES = 20


async def echo(reader, writer):
    while True:
        line = await reader.readline()
        if not line:
            break
        writer.write(line)
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def client(port, n):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    digest = hashlib.sha256()
    for i in range(LINES):
        msg = f"client {n} line {i} {'x' * (i * 37 % 300)}\n".encode()
        writer.write(msg)
        await writer.drain()
        back = await reader.readline()
        if back != msg:
            raise RuntimeError(f"client {n}: sent {msg!r}, got {back!r}")
        digest.update(back)
    # Half-close: the server sees EOF, closes, and this side reads EOF.
    writer.write_eof()
    rest = await reader.read()
    writer.close()
    await writer.wait_closed()
    return n, digest.hexdigest()[:16], rest


async def selftest():
    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    results = await asyncio.gather(*(client(port, n) for n in range(CLIENTS)))
    for n, digest, rest in sorted(results):
        print(f"client {n}: {LINES} lines echoed, sha256 {digest}, after EOF {rest!r}")
    server.close()
    await server.wait_closed()
    print("server closed")


async def serve(port):
    server = await asyncio.start_server(echo, "127.0.0.1", port)
    print("listening", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if sys.argv[1] == "selftest":
        asyncio.run(selftest())
    else:
        asyncio.run(serve(int(sys.argv[2])))
