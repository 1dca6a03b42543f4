"""bench/RESULTS.md: each standalone scenario script keeps one section of its own there."""
import os
import re

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md")


def replace_section(title, body, path=PATH):
    """Write ``## title`` with ``body`` in place of the section's last results, or append it."""
    text = open(path).read() if os.path.exists(path) else "# Benchmark results\n"
    section = "## %s\n\n%s\n" % (title, body.strip("\n"))
    pattern = r"## %s\n.*?(?=\n## |\Z)" % re.escape(title)
    if re.search(pattern, text, flags=re.S):
        text = re.sub(pattern, lambda _match: section, text, count=1, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(path, "w") as output:
        output.write(text)
