"""The Jinja environment: the package's templates, overridable by a clerk's own folder.

Search order for a template name (first found wins):
1. ``--templates DIR`` given on the command line;
2. the program folder's own ``templates/`` sub-folder;
3. the built-in templates: the top-level ``templates/`` of the source tree (a checkout or an
   editable install), which ``pip install`` copies into the package as ``selfgov_cli/templates``.

HTML templates (``*.html.j2``) are autoescaped; Markdown templates (``*.md.j2``) escape every
``{{ value }}`` for Markdown (no raw HTML, no table breaks, no links; ``*`` shows as the full-width
``＊``, so a masked name needs no backslash). In both, every value has its personal data masked
and its control characters removed (``privacy.scrub``). The environment is sandboxed: a template
received from elsewhere cannot reach into Python.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from selfgov_cli.privacy import scrub
from selfgov_cli.report.copy_store import library_stamp, writer_digest

_PACKAGE = Path(__file__).resolve().parent.parent


def _builtin_templates() -> Path:
    """The one copy of the built-in templates: installed in the package, else the source tree's."""
    installed = _PACKAGE / "templates"
    if (installed / "publicity.html.j2").is_file():
        return installed
    return _PACKAGE.parent / "templates"


BUILTIN_TEMPLATES = _builtin_templates()
USER_TEMPLATES_DIR = "templates"


class ReportError(Exception):
    """A report cannot be rendered (a clerk's template is broken, an output folder unwritable)."""


_MD_SPECIAL = re.compile(r"([\\`_{}\[\]|~])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _plain(value) -> str:
    """A value's text with personal data masked and control characters removed."""

    return _CONTROL.sub("", scrub(value))


def html_value(value):
    """Jinja finalize for HTML: strings masked (autoescaping follows); other values as they are."""
    if isinstance(value, str):
        from markupsafe import Markup

        return Markup(_plain(value)) if isinstance(value, Markup) else _plain(value)
    return value


_MD_LIST_NUMBER = re.compile(r"^(\d+)([.)])(?=\s|$)")
# what makes a line a heading, list item, quote or rule only at its start: `# `, `+ `, `- `, `>`,
# `---` (a `+3`, `-5` or `#5楼` is plain text, and shows with no backslash)
_MD_BLOCK_START = re.compile(r"^(?:[#+-](?=\s|$)|>|-(?:\s*-){2,}\s*$)")


def md_escape(value) -> str:
    """A value as literal Markdown text: HTML-escaped, Markdown punctuation backslashed, one line."""
    if value is None:
        return ""
    text = (
        _plain(value)
        .replace("*", "＊")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )  # no raw HTML
    text = _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    if _MD_BLOCK_START.match(text):
        return "\\" + text
    return _MD_LIST_NUMBER.sub(r"\1\\\2", text)


def search_path(
    templates: Path | str | None = None, folder: Path | str | None = None
) -> list[Path]:
    """The folders searched for templates, most specific first."""
    paths: list[Path] = []
    if templates:
        paths.append(Path(templates))
    if folder:
        own = Path(folder) / USER_TEMPLATES_DIR
        if own.is_dir():
            paths.append(own)
    paths.append(BUILTIN_TEMPLATES)
    return paths


def template_code(name: str, templates=None, folder=None) -> str:
    """What a rendered report depends on besides its data: every template file on the search
    path (a clerk's own included: an edited one gives a new key), this module and privacy.py (the
    escaping and masking), jinja2's version and the template's name. `sgov run` reuses a report
    rendered from the same data and code (report/copy_store.py), without importing jinja2."""
    digest = hashlib.blake2b(digest_size=16)
    for root in search_path(templates, folder):
        try:
            files = sorted(p for p in Path(root).iterdir() if p.suffix == ".j2" and p.is_file())
            for path in files:
                digest.update(f"{root}/{path.name}\0".encode("utf-8", "surrogatepass"))
                digest.update(path.read_bytes())
        except OSError:
            digest.update(f"{root} unreadable".encode("utf-8", "surrogatepass"))
    extra = f"{name} {library_stamp('jinja2', '__init__.py')} {digest.hexdigest()}"
    return writer_digest(extra, "report/env.py", "privacy.py")


def make_env(
    templates: Path | str | None = None, folder: Path | str | None = None, markdown: bool = False
):
    """A sandboxed Jinja environment over the search path; ``markdown`` selects Markdown escaping."""
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    if templates and not Path(templates).is_dir():
        raise ReportError(f"--templates 指定的文件夹不存在：{templates}")
    options = {
        "loader": FileSystemLoader(
            [str(p) for p in search_path(templates, folder)], encoding="utf-8"
        ),
        "undefined": StrictUndefined,
        "keep_trailing_newline": True,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "autoescape": not markdown,
    }
    options["finalize"] = md_escape if markdown else html_value
    env = ImmutableSandboxedEnvironment(**options)
    env.filters["md"] = md_escape
    return env


def render_template(name: str, context: dict, templates=None, folder=None) -> str:
    """Render one template by name; a broken template is a ReportError naming the file and line."""
    from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError

    env = make_env(templates, folder, markdown=name.endswith(".md.j2"))
    try:
        return env.get_template(name).render(**context)
    except TemplateNotFound as exc:
        raise ReportError(f"找不到模板 {exc.name}") from exc
    except TemplateSyntaxError as exc:
        raise ReportError(
            f"模板 {exc.filename or exc.name} 第 {exc.lineno} 行有语法错误：{exc.message}"
        ) from exc
    except TemplateError as exc:
        raise ReportError(f"模板 {name} 无法渲染：{exc}") from exc
