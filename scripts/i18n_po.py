"""Tiny .po helper without dependencies (polib is not installed).

Usage:
  python scripts/i18n_po.py todo PO_FILE OUT_JSON    # untranslated or fuzzy entries -> JSON list
  python scripts/i18n_po.py apply PO_FILE IN_JSON    # fill msgstr from JSON {key: str | [str, str]}
  python scripts/i18n_po.py stats PO_FILE

Keys are "msgid" or "msgctxt\\x04msgid". A plural entry takes a list [singular, plural].
Applying a translation removes the entry's fuzzy flag (and the stale "#| msgid" lines).
"""

import json
import sys
from pathlib import Path


def unquote(line):
    s = line[line.index('"') + 1 : line.rindex('"')]
    out, i = [], 0
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            out.append(escapes.get(s[i + 1], s[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def quote(text):
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    if "\n" in text.rstrip("\n") or len(text) > 70:
        parts = text.split("\n")
        chunks = [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
        lines = ['""'] + ['"' + c.replace("\n", "\\n") + '"' for c in chunks]
        return "\n".join(lines)
    return '"' + text.replace("\n", "\\n") + '"'


def parse(path):
    """Return a list of entries: dict(comments=[...], fields={name: text}, order=[names])."""
    entries, cur, field = [], None, None
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.rstrip("\n")
        if not line.strip():
            if cur:
                entries.append(cur)
            cur, field = None, None
            continue
        if cur is None:
            cur = {"comments": [], "fields": {}, "order": []}
        if line.startswith("#"):
            cur["comments"].append(line)
        elif line.startswith('"'):
            cur["fields"][field] += unquote(line)
        else:
            name, _, rest = line.partition(" ")
            field = name
            cur["fields"][name] = unquote(rest)
            cur["order"].append(name)
    if cur:
        entries.append(cur)
    return entries


def key(entry):
    f = entry["fields"]
    return (f["msgctxt"] + "\x04" if "msgctxt" in f else "") + f["msgid"]


def is_fuzzy(entry):
    return any(c.startswith("#,") and "fuzzy" in c for c in entry["comments"])


def translated(entry):
    f = entry["fields"]
    strs = [v for k, v in f.items() if k.startswith("msgstr")]
    return all(strs) and not is_fuzzy(entry)


def write(path, entries):
    out = []
    for e in entries:
        lines = list(e["comments"])
        for name in e["order"]:
            lines.append(f"{name} {quote(e['fields'][name])}")
        out.append("\n".join(lines))
    Path(path).write_text("\n\n".join(out) + "\n", encoding="utf-8")


def unfuzzy(entry):
    comments = []
    for c in entry["comments"]:
        if c.startswith("#|"):
            continue
        if c.startswith("#,"):
            flags = [x.strip() for x in c[2:].split(",") if x.strip() and x.strip() != "fuzzy"]
            if not flags:
                continue
            c = "#, " + ", ".join(flags)
        comments.append(c)
    entry["comments"] = comments


def main():
    cmd, po = sys.argv[1], sys.argv[2]
    entries = parse(po)
    body = [e for e in entries if e["fields"].get("msgid")]
    if cmd == "stats":
        done = sum(translated(e) for e in body)
        print(f"{done}/{len(body)} translated, {sum(is_fuzzy(e) for e in body)} fuzzy")
    elif cmd == "todo":
        todo = [
            {
                "key": key(e),
                "plural": e["fields"].get("msgid_plural"),
                "old": e["fields"].get("msgstr") or e["fields"].get("msgstr[0]"),
            }
            for e in body
            if not translated(e)
        ]
        Path(sys.argv[3]).write_text(
            json.dumps(todo, ensure_ascii=False, indent=0), encoding="utf-8"
        )
        print(len(todo), "to do")
    elif cmd == "apply":
        tr = json.loads(Path(sys.argv[3]).read_text(encoding="utf-8"))
        n = 0
        for e in body:
            k = key(e)
            if k not in tr:
                continue
            val = tr[k]
            f = e["fields"]
            if "msgid_plural" in f:
                f["msgstr[0]"], f["msgstr[1]"] = val
            else:
                f["msgstr"] = val
            unfuzzy(e)
            n += 1
        write(po, entries)
        print(n, "applied")


if __name__ == "__main__":
    main()
