"""Log lines as JSON objects (COMPANION_LOG_FORMAT=json), one a line, for a log shipper.

Timestamps are UTC (ISO 8601, ending in Z). The service's messages name no person by design; for the
shipped lines a pseudonym (P-XXXX) or a number long enough to be a Telegram chat id is masked as well,
since log stores are read by more people and kept longer than the database."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

from storage.participants import PSEUDONYM_ALPHABET

PSEUDONYM = re.compile(rf"\bP-[{PSEUDONYM_ALPHABET}]{{4}}\b")
LONG_NUMBER = re.compile(r"(?<![\w.])-?\d{7,}(?![\w.])")  # chat ids have 7 digits or more; ids of rows fewer


def scrub(text: str) -> str:
    return LONG_NUMBER.sub("<number>", PSEUDONYM.sub("P-****", text))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, tz=UTC)
        line: dict[str, object] = {
            "time": moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        if record.exc_info and record.exc_info[0] is not None:
            line["exception"] = record.exc_info[0].__name__  # the type only: a traceback may quote data
        return json.dumps(line, ensure_ascii=False)
