"""The words the outputs print that are not the author's, per language, overridable in book.yaml."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass

# Every label, the placeholders it may use, and what it is for (the README and errors quote these).
KEYS: dict[str, tuple[frozenset[str], str]] = {
    "chapter": (frozenset({"number"}), "a chapter's label: `Chapter 35`"),
    "chapter_name": (frozenset({"label", "title"}), "a chapter's full name: `Chapter 35: Title`"),
    "part": (frozenset({"number"}), "a chapter's part within its arc: `Part 8`"),
    "volume": (frozenset({"number"}), "a volume's label: `Volume 2`"),
    "contents": (frozenset(), "the table of contents' heading"),
    "notes": (frozenset(), "the endnotes' heading"),
    "cover": (frozenset(), "the cover page's name"),
    "cover_alt": (frozenset({"title"}), "the cover image's description"),
    "cover_alt_authors": (frozenset({"title", "authors"}), "the cover image's description, with authors"),
    "title_page": (frozenset(), "the title page's name"),
    "landmarks": (frozenset(), "the EPUB landmarks' name (read out by screen readers)"),
    "start": (frozenset(), "the landmark for the start of the text"),
    "backlink": (frozenset({"number"}), "a note's link back to its reference"),
    "backlink_nth": (frozenset({"number", "index"}), "a note's link back to one of several references"),
    "edition": (frozenset({"date"}), "the copyright page's edition line"),
    "published_by": (frozenset({"publisher"}), "the copyright page's publisher line"),
    "author_separator": (frozenset(), "between two authors' names"),
    "accessibility_summary": (frozenset(), "the EPUB's accessibility summary (shown by reading systems)"),
}

ENGLISH: dict[str, str] = {
    "chapter": "Chapter {number}",
    "chapter_name": "{label}: {title}",
    "part": "Part {number}",
    "volume": "Volume {number}",
    "contents": "Contents",
    "notes": "Notes",
    "cover": "Cover",
    "cover_alt": "Cover: {title}",
    "cover_alt_authors": "Cover: {title} by {authors}",
    "title_page": "Title Page",
    "landmarks": "Landmarks",
    "start": "Start of Content",
    "backlink": "Back to the reference of note {number}",
    "backlink_nth": "Back to reference {index} of note {number}",
    "edition": "This edition: {date}",
    "published_by": "Published by {publisher}",
    "author_separator": ", ",
    "accessibility_summary": (
        "This publication conforms to WCAG 2.2 Level AA. It has a table of contents, structural "
        "navigation by headings, a logical reading order, text alternatives for its one image "
        "(the cover), and endnotes linked in both directions. It has no hazards."
    ),
}

NBSP = "\u00a0"  # French sets a no-break space before a colon

# Each language's table; a key it lacks is English. Keys are BCP 47 tags as matched by `table_key`.
TABLES: dict[str, dict[str, str]] = {
    "en": ENGLISH,
    "fr": {
        "chapter": "Chapitre {number}",
        "chapter_name": "{label}" + NBSP + ": {title}",
        "part": "Partie {number}",
        "volume": "Tome {number}",
        "contents": "Table des matières",
        "notes": "Notes",
        "cover": "Couverture",
        "cover_alt": "Couverture" + NBSP + ": {title}",
        "cover_alt_authors": "Couverture" + NBSP + ": {title}, de {authors}",
        "title_page": "Page de titre",
        "landmarks": "Repères",
        "start": "Début du texte",
        "backlink": "Retour à l’appel de la note {number}",
        "backlink_nth": "Retour à l’appel {index} de la note {number}",
        "edition": "Cette édition" + NBSP + ": {date}",
        "published_by": "Publié par {publisher}",
        "accessibility_summary": (
            "Cette publication est conforme aux WCAG 2.2, niveau AA. Elle comporte une table des "
            "matières, une navigation structurée par titres, un ordre de lecture logique, une "
            "description textuelle de sa seule image (la couverture) et des notes liées dans les "
            "deux sens. Elle ne présente aucun danger."
        ),
    },
    "de": {
        "chapter": "Kapitel {number}",
        "part": "Teil {number}",
        "volume": "Band {number}",
        "contents": "Inhalt",
        "notes": "Anmerkungen",
        "cover": "Umschlag",
        "cover_alt": "Umschlag: {title}",
        "cover_alt_authors": "Umschlag: {title} von {authors}",
        "title_page": "Titelseite",
        "landmarks": "Orientierungspunkte",
        "start": "Textbeginn",
        "backlink": "Zurück zum Verweis auf Anmerkung {number}",
        "backlink_nth": "Zurück zu Verweis {index} auf Anmerkung {number}",
        "edition": "Diese Ausgabe: {date}",
        "published_by": "Verlag: {publisher}",
        "accessibility_summary": (
            "Diese Publikation entspricht WCAG 2.2, Stufe AA. Sie hat ein Inhaltsverzeichnis, eine "
            "Navigation über Überschriften, eine logische Lesereihenfolge, einen Alternativtext für "
            "ihr einziges Bild (den Umschlag) und in beide Richtungen verlinkte Anmerkungen. Sie "
            "birgt keine Gefahren."
        ),
    },
    "es": {
        "chapter": "Capítulo {number}",
        "part": "Parte {number}",
        "volume": "Volumen {number}",
        "contents": "Índice",
        "notes": "Notas",
        "cover": "Cubierta",
        "cover_alt": "Cubierta: {title}",
        "cover_alt_authors": "Cubierta: {title}, de {authors}",
        "title_page": "Portada",
        "landmarks": "Puntos de referencia",
        "start": "Inicio del texto",
        "backlink": "Volver a la llamada de la nota {number}",
        "backlink_nth": "Volver a la llamada {index} de la nota {number}",
        "edition": "Esta edición: {date}",
        "published_by": "Publicado por {publisher}",
        "accessibility_summary": (
            "Esta publicación cumple las WCAG 2.2, nivel AA. Tiene un índice, navegación estructural "
            "por encabezados, un orden de lectura lógico, texto alternativo para su única imagen "
            "(la cubierta) y notas enlazadas en ambos sentidos. No presenta riesgos."
        ),
    },
    "pt": {
        "chapter": "Capítulo {number}",
        "part": "Parte {number}",
        "volume": "Volume {number}",
        "contents": "Índice",
        "notes": "Notas",
        "cover": "Capa",
        "cover_alt": "Capa: {title}",
        "cover_alt_authors": "Capa: {title}, de {authors}",
        "title_page": "Folha de rosto",
        "landmarks": "Pontos de referência",
        "start": "Início do texto",
        "backlink": "Voltar à chamada da nota {number}",
        "backlink_nth": "Voltar à chamada {index} da nota {number}",
        "edition": "Esta edição: {date}",
        "published_by": "Publicado por {publisher}",
        "accessibility_summary": (
            "Esta publicação está em conformidade com as WCAG 2.2, nível AA. Tem um índice, "
            "navegação estrutural por títulos, uma ordem de leitura lógica, texto alternativo para "
            "a sua única imagem (a capa) e notas ligadas nos dois sentidos. Não apresenta riscos."
        ),
    },
    "it": {
        "chapter": "Capitolo {number}",
        "part": "Parte {number}",
        "volume": "Volume {number}",
        "contents": "Indice",
        "notes": "Note",
        "cover": "Copertina",
        "cover_alt": "Copertina: {title}",
        "cover_alt_authors": "Copertina: {title}, di {authors}",
        "title_page": "Frontespizio",
        "landmarks": "Punti di riferimento",
        "start": "Inizio del testo",
        "backlink": "Torna al richiamo della nota {number}",
        "backlink_nth": "Torna al richiamo {index} della nota {number}",
        "edition": "Questa edizione: {date}",
        "published_by": "Pubblicato da {publisher}",
        "accessibility_summary": (
            "Questa pubblicazione è conforme alle WCAG 2.2, livello AA. Ha un indice, navigazione "
            "strutturale per titoli, un ordine di lettura logico, un testo alternativo per la sua "
            "unica immagine (la copertina) e note collegate in entrambe le direzioni. Non presenta "
            "rischi."
        ),
    },
    "nl": {
        "chapter": "Hoofdstuk {number}",
        "part": "Deel {number}",
        "volume": "Band {number}",
        "contents": "Inhoud",
        "notes": "Noten",
        "cover": "Omslag",
        "cover_alt": "Omslag: {title}",
        "cover_alt_authors": "Omslag: {title}, door {authors}",
        "title_page": "Titelpagina",
        "landmarks": "Oriëntatiepunten",
        "start": "Begin van de tekst",
        "backlink": "Terug naar de verwijzing naar noot {number}",
        "backlink_nth": "Terug naar verwijzing {index} naar noot {number}",
        "edition": "Deze editie: {date}",
        "published_by": "Uitgegeven door {publisher}",
        "accessibility_summary": (
            "Deze publicatie voldoet aan WCAG 2.2, niveau AA. Ze heeft een inhoudsopgave, "
            "structurele navigatie via koppen, een logische leesvolgorde, een tekstalternatief voor "
            "haar enige afbeelding (het omslag) en noten die in beide richtingen gekoppeld zijn. "
            "Ze bevat geen risico's."
        ),
    },
    "pl": {
        "chapter": "Rozdział {number}",
        "part": "Część {number}",
        "volume": "Tom {number}",
        "contents": "Spis treści",
        "notes": "Przypisy",
        "cover": "Okładka",
        "cover_alt": "Okładka: {title}",
        "cover_alt_authors": "Okładka: {title} – {authors}",
        "title_page": "Strona tytułowa",
        "landmarks": "Punkty orientacyjne",
        "start": "Początek tekstu",
        "backlink": "Powrót do odsyłacza przypisu {number}",
        "backlink_nth": "Powrót do odsyłacza {index} przypisu {number}",
        "edition": "To wydanie: {date}",
        "published_by": "Wydawca: {publisher}",
        "accessibility_summary": (
            "Ta publikacja jest zgodna z WCAG 2.2 na poziomie AA. Ma spis treści, nawigację według "
            "nagłówków, logiczną kolejność czytania, tekst alternatywny dla jedynego obrazu "
            "(okładki) oraz przypisy połączone w obu kierunkach. Nie stwarza zagrożeń."
        ),
    },
    "ru": {
        "chapter": "Глава {number}",
        "part": "Часть {number}",
        "volume": "Том {number}",
        "contents": "Содержание",
        "notes": "Примечания",
        "cover": "Обложка",
        "cover_alt": "Обложка: {title}",
        "cover_alt_authors": "Обложка: {title} — {authors}",
        "title_page": "Титульный лист",
        "landmarks": "Ориентиры",
        "start": "Начало текста",
        "backlink": "Назад к ссылке на примечание {number}",
        "backlink_nth": "Назад к ссылке {index} на примечание {number}",
        "edition": "Это издание: {date}",
        "published_by": "Издатель: {publisher}",
        "accessibility_summary": (
            "Это издание соответствует WCAG 2.2 уровня AA. В нём есть оглавление, навигация по "
            "заголовкам, логичный порядок чтения, текстовое описание единственного изображения "
            "(обложки) и примечания со ссылками в обе стороны. Опасного содержимого нет."
        ),
    },
    "uk": {
        "chapter": "Розділ {number}",
        "part": "Частина {number}",
        "volume": "Том {number}",
        "contents": "Зміст",
        "notes": "Примітки",
        "cover": "Обкладинка",
        "cover_alt": "Обкладинка: {title}",
        "cover_alt_authors": "Обкладинка: {title} — {authors}",
        "title_page": "Титульна сторінка",
        "landmarks": "Орієнтири",
        "start": "Початок тексту",
        "backlink": "Назад до посилання на примітку {number}",
        "backlink_nth": "Назад до посилання {index} на примітку {number}",
        "edition": "Це видання: {date}",
        "published_by": "Видавець: {publisher}",
        "accessibility_summary": (
            "Це видання відповідає WCAG 2.2 рівня AA. У ньому є зміст, навігація за заголовками, "
            "логічний порядок читання, текстовий опис єдиного зображення (обкладинки) та примітки "
            "з посиланнями в обидва боки. Небезпечного вмісту немає."
        ),
    },
    "id": {
        "chapter": "Bab {number}",
        "part": "Bagian {number}",
        "volume": "Jilid {number}",
        "contents": "Daftar Isi",
        "notes": "Catatan",
        "cover": "Sampul",
        "cover_alt": "Sampul: {title}",
        "cover_alt_authors": "Sampul: {title} oleh {authors}",
        "title_page": "Halaman Judul",
        "landmarks": "Penanda",
        "start": "Awal isi",
        "backlink": "Kembali ke rujukan catatan {number}",
        "backlink_nth": "Kembali ke rujukan {index} catatan {number}",
        "edition": "Edisi ini: {date}",
        "published_by": "Diterbitkan oleh {publisher}",
        "accessibility_summary": (
            "Publikasi ini memenuhi WCAG 2.2 Level AA. Publikasi ini memiliki daftar isi, navigasi "
            "menurut judul, urutan baca yang logis, teks alternatif untuk satu-satunya gambar "
            "(sampul), dan catatan yang bertaut dua arah. Tidak ada bahaya."
        ),
    },
    "vi": {
        "chapter": "Chương {number}",
        "part": "Phần {number}",
        "volume": "Tập {number}",
        "contents": "Mục lục",
        "notes": "Ghi chú",
        "cover": "Bìa",
        "cover_alt": "Bìa: {title}",
        "cover_alt_authors": "Bìa: {title}, tác giả {authors}",
        "title_page": "Trang tên sách",
        "landmarks": "Mốc điều hướng",
        "start": "Bắt đầu nội dung",
        "backlink": "Quay lại chỗ dẫn ghi chú {number}",
        "backlink_nth": "Quay lại chỗ dẫn {index} của ghi chú {number}",
        "edition": "Ấn bản này: {date}",
        "published_by": "Nhà xuất bản: {publisher}",
        "accessibility_summary": (
            "Ấn phẩm này đáp ứng WCAG 2.2 mức AA. Ấn phẩm có mục lục, điều hướng theo đề mục, thứ "
            "tự đọc hợp lý, văn bản thay thế cho hình ảnh duy nhất (bìa sách) và ghi chú liên kết "
            "hai chiều. Không có yếu tố nguy hiểm."
        ),
    },
    "ja": {
        "chapter": "第{number}章",
        "chapter_name": "{label}\u3000{title}",
        "part": "その{number}",
        "volume": "第{number}巻",
        "contents": "目次",
        "notes": "注",
        "cover": "表紙",
        "cover_alt": "表紙：{title}",
        "cover_alt_authors": "表紙：{title}（{authors}）",
        "title_page": "扉",
        "landmarks": "ランドマーク",
        "start": "本文",
        "backlink": "注{number}の参照元に戻る",
        "backlink_nth": "注{number}の参照元{index}に戻る",
        "edition": "本版：{date}",
        "published_by": "発行：{publisher}",
        "author_separator": "、",
        "accessibility_summary": (
            "この出版物はWCAG 2.2のレベルAAに適合しています。目次、見出しによる構造的なナビゲーション、"
            "論理的な読み順、唯一の画像（表紙）の代替テキスト、双方向にリンクされた注を備えています。"
            "危険要素はありません。"
        ),
    },
    "zh": {
        "chapter": "第{number}章",
        "chapter_name": "{label}\u3000{title}",
        "part": "第{number}部分",
        "volume": "第{number}卷",
        "contents": "目录",
        "notes": "注释",
        "cover": "封面",
        "cover_alt": "封面：{title}",
        "cover_alt_authors": "封面：{title}（{authors}）",
        "title_page": "扉页",
        "landmarks": "地标",
        "start": "正文",
        "backlink": "返回注释{number}的引用处",
        "backlink_nth": "返回注释{number}的第{index}处引用",
        "edition": "本版：{date}",
        "published_by": "出版：{publisher}",
        "author_separator": "、",
        "accessibility_summary": (
            "本出版物符合WCAG 2.2 AA级。它有目录、按标题的结构导航、合乎逻辑的阅读顺序、"
            "唯一图像（封面）的替代文本，以及双向链接的注释。没有危险内容。"
        ),
    },
    "zh-Hant": {
        "chapter": "第{number}章",
        "chapter_name": "{label}\u3000{title}",
        "part": "第{number}部分",
        "volume": "第{number}卷",
        "contents": "目錄",
        "notes": "註釋",
        "cover": "封面",
        "cover_alt": "封面：{title}",
        "cover_alt_authors": "封面：{title}（{authors}）",
        "title_page": "扉頁",
        "landmarks": "地標",
        "start": "正文",
        "backlink": "返回註釋{number}的引用處",
        "backlink_nth": "返回註釋{number}的第{index}處引用",
        "edition": "本版：{date}",
        "published_by": "出版：{publisher}",
        "author_separator": "、",
        "accessibility_summary": (
            "本出版物符合WCAG 2.2 AA級。它有目錄、按標題的結構導覽、合乎邏輯的閱讀順序、"
            "唯一圖像（封面）的替代文字，以及雙向連結的註釋。沒有危險內容。"
        ),
    },
    "ko": {
        "chapter": "제{number}장",
        "part": "제{number}부",
        "volume": "제{number}권",
        "contents": "목차",
        "notes": "주석",
        "cover": "표지",
        "cover_alt": "표지: {title}",
        "cover_alt_authors": "표지: {title} ({authors})",
        "title_page": "속표지",
        "landmarks": "랜드마크",
        "start": "본문",
        "backlink": "주석 {number}의 참조 위치로 돌아가기",
        "backlink_nth": "주석 {number}의 {index}번째 참조 위치로 돌아가기",
        "edition": "이 판: {date}",
        "published_by": "발행: {publisher}",
        "accessibility_summary": (
            "이 출판물은 WCAG 2.2 AA 수준을 준수합니다. 목차, 제목을 통한 구조적 탐색, 논리적인 읽기 "
            "순서, 유일한 이미지(표지)의 대체 텍스트, 양방향으로 연결된 주석을 갖추고 있습니다. "
            "위험 요소는 없습니다."
        ),
    },
}

# Chinese written in traditional characters, by script or by region.
TRADITIONAL_CHINESE = {"zh-hant", "zh-tw", "zh-hk", "zh-mo"}


def table_key(language: str) -> str | None:
    """The table for a BCP 47 tag: the tag itself, Chinese by script or region, else its language."""
    tag = language.lower()
    subtags = tag.split("-")
    for key in TABLES:
        if key.lower() == tag:
            return key
    if subtags[0] == "zh":
        traditional = any(f"zh-{s}" in TRADITIONAL_CHINESE for s in subtags[1:]) and "hans" not in subtags
        return "zh-Hant" if traditional else "zh"
    return subtags[0] if subtags[0] in TABLES else None


def placeholders(text: str) -> set[str]:
    """The `{name}` fields a label uses; raises ValueError when its braces are malformed."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def check_label(key: str, text: str) -> str | None:
    """Why `text` cannot be the label `key` (unknown or malformed placeholders), else None."""
    allowed = KEYS[key][0]
    try:
        used = placeholders(text)
    except ValueError as exc:
        return f"'{text}' has a stray brace ({exc}); write {{{{ and }}}} for literal braces"
    unknown = sorted(used - allowed)
    if unknown:
        known = ", ".join("{" + name + "}" for name in sorted(allowed)) or "none"
        return f"'{text}' uses {', '.join('{' + u + '}' for u in unknown)}; this label may use {known}"
    return None


@dataclass(frozen=True)
class Labels:
    """One language's labels with the book's overrides; `get` fills a label's placeholders."""

    strings: Mapping[str, str]

    def get(self, key: str, **values: object) -> str:
        return self.strings[key].format(**values)


def resolve(language: str, overrides: Mapping[str, str] = {}) -> Labels:
    """English, then the language's table, then book.yaml's `labels:`, each over the one before."""
    key = table_key(language)
    strings = {**ENGLISH, **(TABLES[key] if key else {}), **overrides}
    return Labels(strings)
