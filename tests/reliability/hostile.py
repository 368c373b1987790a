"""Hostile inputs built by the tests: PDFs written byte by byte, so each one is exactly
the attack it names (a bomb stream, a page tree of 100 000 pages) and nothing else."""

from __future__ import annotations

import random
import socket
import threading
import time
import zlib

from fpdf import FPDF


def _assemble(objects: dict[int, bytes]) -> bytes:
    """A PDF file with a correct cross-reference table around the numbered objects."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def _stream(content: bytes, *, flate: bool = False) -> bytes:
    if flate:
        data = zlib.compress(content, 9)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _page(contents: int) -> bytes:
    return (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 4 0 R >> >> >>" % contents)


def bomb_pdf(inflated_mb: int) -> bytes:
    """One page whose Flate content stream is a few hundred kB and inflates to `inflated_mb` MB."""
    body = b"BT /F1 12 Tf 72 700 Td (A page of nothing much) Tj ET\n" + b" " * (inflated_mb << 20)
    return _assemble({1: b"<< /Type /Catalog /Pages 2 0 R >>",
                      2: b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
                      3: _stream(body, flate=True), 4: _FONT, 5: _page(3)})


def many_pages_pdf(pages: int) -> bytes:
    """A page tree of `pages` pages sharing one content stream (about 160 bytes a page)."""
    text = b"BT /F1 12 Tf 72 700 Td (One page among very many) Tj ET"
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 3: _stream(text), 4: _FONT}
    kids = []
    for i in range(pages):
        objects[5 + i] = _page(3)
        kids.append(b"%d 0 R" % (5 + i))
    objects[2] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % pages
    return _assemble(objects)


def text_pdf(paragraphs: list[str], *, encrypt: bool = False) -> bytes:
    """An ordinary small PDF (fpdf2), optionally encrypted with a user password."""
    pdf = FPDF()
    if encrypt:
        pdf.set_encryption(owner_password="owner-pw", user_password="user-pw")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for para in paragraphs:
        pdf.multi_cell(0, 6, para, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output())


def bit_flipped(pdf: bytes, flips: int = 5) -> bytes:
    """The same file with bits flipped inside its first content stream, as a bad disk or a
    broken transfer leaves it: the structure parses, the page's text does not decode."""
    data = bytearray(pdf)
    start = data.index(b"stream") + 20
    for k in range(flips):
        data[start + 7 * k] ^= 0x10
    return bytes(data)


def noise(n: int, seed: int) -> bytes:
    """Deterministic random bytes: the same garbage on every run."""
    return random.Random(seed).randbytes(n)


class Trickler:
    """A raw HTTP server on 127.0.0.1 that sends its status line and headers one byte at a
    time, each byte well within the per-read timeout, for `total_s` seconds, then closes."""

    def __init__(self, interval_s: float = 0.3, total_s: float = 60.0, body_too: bool = False) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.5)
        self.interval_s, self.total_s, self.body_too = interval_s, total_s, body_too
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/page.html"

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
        payload = head + b"X-Padding: " + b"a" * 100_000 if not self.body_too else \
            head + b"Content-Length: 100000\r\n\r\n" + b"<p>" + b"a" * 99_990
        ends = time.monotonic() + self.total_s
        try:
            for byte in payload:
                if self.stop.is_set() or time.monotonic() > ends:
                    break
                conn.sendall(bytes([byte]))
                time.sleep(self.interval_s)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.sock.close()
