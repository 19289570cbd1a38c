"""A UNIX-socket server and client (two processes) passing file descriptors.

The server (the parent) listens on a path socket; the client (a forked
child) connects and receives, with socket.recv_fds, a file of known content
whose offset the server had moved, and the write end of a pipe the server
reads; then datagrams, a passed socket, an abstract name and autobind.
What each side sees is printed in a fixed order (the client's lines
go through the server), so the output is the same on every run.
"""
import os
import socket
import sys
import tempfile

d = tempfile.mkdtemp(prefix="unixfds-")
path = os.path.join(d, "sock")
data_path = os.path.join(d, "data.txt")
with open(data_path, "wb") as f:
    f.write(b"0123456789abcdefghijklmnopqrstuvwxyz\n")

srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
print("server bound:", srv.getsockname() == path, "type", srv.type == socket.SOCK_STREAM)

pid = os.fork()
if pid == 0:
    srv.close()
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(path)
    msg, fds, flags, addr = socket.recv_fds(c, 1024, 4)
    lines = [f"client got {msg!r} with {len(fds)} fds, flags {flags}"]
    f = os.fdopen(fds[0], "rb", buffering=0)
    lines.append(f"client read from passed file: {f.read(6)!r}")
    w = fds[1]
    os.write(w, b"written by the client through the passed pipe\n")
    os.close(w)
    c.sendall("\n".join(lines).encode() + b"\n")
    c.shutdown(socket.SHUT_WR)
    c.recv(1)
    c.close()
    os._exit(0)

conn, _ = srv.accept()
cred = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
peer_pid = int.from_bytes(cred[0:4], "little")
print("peer pid is the child:", peer_pid == pid)
f = open(data_path, "rb", buffering=0)
f.seek(10)
r, w = os.pipe()
socket.send_fds(conn, [b"two fds"], [f.fileno(), w])
os.close(w)
print("pipe says:", os.read(r, 100).decode().rstrip())
got = b""
while True:
    b = conn.recv(4096)
    if not b:
        break
    got += b
sys.stdout.write(got.decode())
# The passed descriptor shares the open file description: its offset moved.
print("server offset after the client read:", f.tell(), os.lseek(f.fileno(), 0, os.SEEK_CUR))
conn.close()
_, status = os.waitpid(pid, 0)
print("client exit status:", status)
srv.close()
os.unlink(path)
os.unlink(data_path)
os.rmdir(d)
# Datagrams keep their boundaries; a passed socket works in the receiver.
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
x, y = socket.socketpair()
socket.send_fds(a, [b"first"], [x.fileno()])
a.send(b"second datagram")
msg, fds, _, _ = socket.recv_fds(b, 100, 2)
print("dgram 1:", msg, len(fds), "fd(s)")
print("dgram 2:", b.recv(100))
passed = socket.socket(fileno=fds[0])
passed.sendall(b"through the passed socket")
print("peer of the passed socket got:", y.recv(100))
for s in (a, b, x, y, passed):
    s.close()

# The abstract namespace, and autobind (an empty name: Linux picks "\0" and
# five hex digits).
name = b"\0carrick-net-unix-fds-%d" % os.getpid()
a = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
a.bind(name)
a.listen(1)
print("abstract name bound:", a.getsockname() == name)
b = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
b.bind("")
auto = b.getsockname()
print("autobind name:", len(auto), auto[:1], all(c in b"0123456789abcdef" for c in auto[1:]))
b.connect(name)
c, peer = a.accept()
print("accepted peer is the autobound name:", peer == auto)
b.sendall(b"over an abstract name")
print("abstract:", c.recv(100))
for s in (a, b, c):
    s.close()
print("done")
