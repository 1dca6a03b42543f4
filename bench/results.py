"""bench/RESULTS.md: each standalone scenario script keeps one section of its own there."""
import os
import re

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md")


def replace_section(title, body, path=PATH):
    """Write ``## title`` with ``body`` in place of the section's last results, or append it."""
    _write_section(title, lambda _old: body, path)


def append_to_section(title, body, path=PATH):
    """Add ``body`` at the end of section ``## title`` (made if missing), keeping the runs
    already recorded there."""
    _write_section(title, lambda old: old.rstrip("\n") + "\n\n" + body, path)


def _write_section(title, new_body, path):
    text = open(path).read() if os.path.exists(path) else "# Benchmark results\n"
    heading = "## %s\n" % title
    pattern = r"%s(.*?)(?=\n## |\Z)" % re.escape(heading)
    found = re.search(pattern, text, flags=re.S)
    old = found.group(1).strip("\n") if found else ""
    section = "%s\n%s\n" % (heading, new_body(old).strip("\n"))
    if found:
        text = text[:found.start()] + section + text[found.end():]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(path, "w") as output:
        output.write(text)
