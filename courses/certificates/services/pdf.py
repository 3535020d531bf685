"""The certificate as a PDF: fpdf2 (pure Python) with the DejaVu Sans font shipped in
courses/static/fonts, text shaped by HarfBuzz so that combining marks ("Adébáyọ̀") sit right,
and a QR code of the public verify URL.

Speed matters (a batch of thousands of certificates), and fpdf2 would parse the font again
for every document and subset it from the whole font. So:

- the font is cut down, once per process, to the scripts names and titles use (Latin first;
  then Greek, Cyrillic and more), shaping tables kept; a text with a character outside them is
  printed with the full font instead: slower, never wrong;
- each process parses each font once (`FontSet`) and gives every document a copy of the parsed
  font with a fresh subset map and a fresh, lazily read table set to cut its subset from. This
  reaches into fpdf2's TTFFont (hence the pinned minor version; the tests render documents one
  after another and read their text back);
- HarfBuzz shapes only the texts that need it (combining marks, complex scripts).
"""

from __future__ import annotations

import copy
import io
import logging
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import segno
from flask_babel import gettext as _
from fontTools import subset
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import SubsetMap, TTFFont

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FAMILY = "DejaVu"
# The reduced fonts, smallest first: a document uses the first that has all its characters.
# Every document parses the tables of the font it embeds a subset of, so fewer glyphs is
# faster. "latin": the Latin letters of Europe and Africa (Yoruba, Polish, Turkish...) with the
# combining marks; "scripts": with Latin Extended-B, IPA, Greek, Cyrillic and Vietnamese too.
PUNCTUATION = ((0x2010, 0x203A), (0x20AC, 0x20AC), (0x2116, 0x2116), (0x2122, 0x2122))
REDUCED_FONTS = (
    (
        "latin",
        ((0x0020, 0x007E), (0x00A0, 0x017F), (0x0300, 0x036F), (0x1E00, 0x1EFF), *PUNCTUATION),
    ),
    (
        "scripts",
        (
            (0x0020, 0x007E),
            (0x00A0, 0x036F),
            (0x0370, 0x03FF),
            (0x0400, 0x052F),
            (0x1DC0, 0x1EFF),
            (0x2000, 0x206F),
            (0x20A0, 0x20CF),
            (0x2100, 0x214F),
        ),
    ),
)
MAX_COMPETENCIES_LISTED = 14
NAVY = (20, 45, 90)
GREY = (90, 90, 90)
_lock = threading.Lock()
# fontTools' subsetter logs every step (and every glyph list) at INFO: a worker's log would be
# mostly that, and formatting it costs time.
logging.getLogger("fontTools").setLevel(logging.WARNING)


@dataclass(frozen=True)
class CertificateSheet:
    """What the PDF shows, as plain data."""

    holder_name: str
    service_number: str
    title: str
    is_curriculum: bool
    principles: tuple[str, ...]
    competencies: tuple[str, ...]
    issued_on: date
    expires_on: date | None
    code: str
    verify_url: str
    issuer_name: str

    def texts(self) -> list[str]:
        return [
            self.holder_name,
            self.service_number,
            self.title,
            *self.principles,
            *self.competencies,
            self.issuer_name,
            self.verify_url,
        ]


@dataclass(frozen=True)
class ParsedFont:
    """A font parsed once per process, and the bytes each document's subset is cut from (the
    same font less its layout tables, which fpdf2 drops from subsets anyway)."""

    prototype: TTFFont
    embedded: bytes


@dataclass(frozen=True)
class FontSet:
    fonts: dict[str, ParsedFont]  # by style: "" regular, "B" bold
    codepoints: frozenset[int]

    def covers(self, texts: list[str]) -> bool:
        return all(ord(char) in self.codepoints for text in texts for char in text)

    def attach_to(self, pdf: FPDF) -> None:
        """Give `pdf` its own copies of the parsed fonts (what add_font would have made)."""
        for parsed in self.fonts.values():
            font = copy.copy(parsed.prototype)
            font.i = len(pdf.fonts) + 1
            # Glyphs keep their bounding boxes: recomputing them would decode every outline.
            font.ttfont = TTFont(
                io.BytesIO(parsed.embedded), lazy=True, recalcTimestamp=False, recalcBBoxes=False
            )
            font.subset = SubsetMap(font)
            font.missing_glyphs = []
            font.biggest_size_pt = 0
            pdf.fonts[font.fontkey] = font


def _parse_fonts(paths: dict[str, Path]) -> FontSet:
    holder = FPDF()
    fonts = {}
    for style, path in paths.items():
        holder.add_font(FAMILY, style, str(path))
        prototype = holder.fonts[f"{FAMILY.lower()}{style}"]
        prototype.hbfont  # noqa: B018 (made once, shared: HarfBuzz fonts are read-only)
        prototype.ttfont.close()  # each document reads its own
        with TTFont(path, recalcTimestamp=False) as font:
            for tag in ("GDEF", "GSUB", "GPOS"):
                if tag in font:
                    del font[tag]
            buffer = io.BytesIO()
            font.save(buffer)
        fonts[style] = ParsedFont(prototype, buffer.getvalue())
    with TTFont(paths[""], lazy=True) as font:
        codepoints = frozenset(font.getBestCmap())
    return FontSet(fonts, codepoints)


def _reduce_font(source: Path, target: Path, ranges: tuple[tuple[int, int], ...]) -> None:
    """Write `source` cut down to `ranges` (layout tables kept) to `target`."""
    options = subset.Options()
    options.layout_features = ["*"]
    options.glyph_names = True
    options.notdef_outline = True
    options.recommended_glyphs = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.hinting = False
    options.drop_tables += ["FFTM"]
    font = TTFont(source, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for low, high in ranges for c in range(low, high + 1)])
    subsetter.subset(font)
    font.save(target)


@cache
def reduced_fonts(tier: int) -> FontSet:
    """The reduced fonts of a tier of REDUCED_FONTS, made and parsed once per process. The
    files live only while they are parsed, in a private folder: nothing another user of the
    machine could swap."""
    name, ranges = REDUCED_FONTS[tier]
    with _lock, tempfile.TemporaryDirectory(prefix="lms-certificate-fonts-") as folder:
        paths = {}
        for style, file_name in FONT_FILES.items():
            target = Path(folder) / f"{Path(file_name).stem}-{name}.ttf"
            _reduce_font(FONT_DIR / file_name, target, ranges)
            paths[style] = target
        return _parse_fonts(paths)  # reads all it needs from the files before they go


@cache
def full_fonts() -> FontSet:
    with _lock:
        return _parse_fonts({style: FONT_DIR / name for style, name in FONT_FILES.items()})


def needs_shaping(text: str) -> bool:
    """Whether `text` needs HarfBuzz: combining marks to place, or a script beyond the
    precomposed Latin, Greek and Cyrillic letters (without it, only kerning is lost)."""
    return any(
        unicodedata.combining(char) or (ord(char) >= 0x0590 and not 0x1E00 <= ord(char) <= 0x214F)
        for char in text
    )


def fonts_for(sheet: CertificateSheet) -> FontSet:
    texts = sheet.texts()
    for tier in range(len(REDUCED_FONTS)):
        fonts = reduced_fonts(tier)
        if fonts.covers(texts):
            return fonts
    return full_fonts()


def _qr_image(url: str):
    """The QR code of `url` as a 1-bit image, four pixels a module, with its quiet zone. The
    mask is fixed: any mask is valid, and choosing the "best" one costs more than the rest."""
    qr = segno.make(url, error="m", micro=False, mask=4)
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=4, border=4)
    buffer.seek(0)
    return buffer


def render_certificate_pdf(sheet: CertificateSheet) -> bytes:
    """The certificate as a one-page A4 (landscape) PDF."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    fonts_for(sheet).attach_to(pdf)
    _draw(pdf, sheet)
    return bytes(pdf.output())


def _draw(pdf: FPDF, sheet: CertificateSheet) -> None:
    pdf.set_title(f"{sheet.title} · {sheet.holder_name}")
    pdf.set_author(sheet.issuer_name)
    pdf.set_creator("Customs Learning Platform")
    pdf.set_auto_page_break(False)
    pdf.set_margins(22, 18, 22)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    # A double frame.
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
    pdf.set_line_width(0.3)
    pdf.rect(11, 11, pdf.w - 22, pdf.h - 22)

    def line(text: str, size: float, *, bold: bool = False, color=NAVY, height: float = 0):
        """A centred paragraph (a single cell when it fits: much cheaper to lay out)."""
        pdf.set_font(FAMILY, "B" if bold else "", size)
        pdf.set_text_color(*color)
        pdf.set_text_shaping(needs_shaping(text))
        height = height or size * 0.5
        if pdf.get_string_width(text) <= width:
            pdf.cell(width, height, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            pdf.multi_cell(width, height, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.set_y(20)
    line(sheet.issuer_name.upper(), 11, color=GREY)
    pdf.ln(3)
    line(_("Certificate of completion"), 30, bold=True)
    pdf.ln(5)
    line(_("This certifies that"), 12, color=GREY)
    pdf.ln(2)
    line(sheet.holder_name, 26, bold=True, color=(0, 0, 0))
    line(_("Service number %(number)s", number=sheet.service_number), 11, color=GREY)
    pdf.ln(3)
    line(
        _("has completed the curriculum") if sheet.is_curriculum else _("has completed the course"),
        12,
        color=GREY,
    )
    pdf.ln(1)
    line(sheet.title, 18, bold=True)
    pdf.ln(3)
    if sheet.principles:
        line(_("Reform principles: %(names)s", names=", ".join(sheet.principles)), 10)
    if sheet.competencies:
        names = list(sheet.competencies[:MAX_COMPETENCIES_LISTED])
        if len(sheet.competencies) > MAX_COMPETENCIES_LISTED:
            names.append(_("and %(n)d more", n=len(sheet.competencies) - MAX_COMPETENCIES_LISTED))
        line(_("Competencies: %(names)s", names=", ".join(names)), 10, height=5)

    # The bottom band: dates and code on the left, the QR code on the right.
    qr_size = 38
    bottom = pdf.h - 20
    pdf.image(_qr_image(sheet.verify_url), x=pdf.w - 22 - qr_size, y=bottom - qr_size, w=qr_size)
    left_width = pdf.w - 44 - qr_size - 8
    pdf.set_xy(22, bottom - 34)
    details = [
        (_("Issued on"), sheet.issued_on.isoformat()),
        (
            _("Valid until"),
            sheet.expires_on.isoformat() if sheet.expires_on else _("does not expire"),
        ),
        (_("Verification code"), sheet.code),
    ]
    pdf.set_text_shaping(False)  # labels, dates and the code: plain Latin
    for label, value in details:
        pdf.set_x(22)
        pdf.set_font(FAMILY, "", 10)
        pdf.set_text_color(*GREY)
        pdf.cell(45, 7, label)
        pdf.set_font(FAMILY, "B", 11)
        pdf.set_text_color(0, 0, 0)
        pdf.cell(left_width - 45, 7, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_x(22)
    pdf.set_font(FAMILY, "", 9)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(
        left_width, 4.5, _("Check it at %(url)s or scan the code.", url=sheet.verify_url)
    )
