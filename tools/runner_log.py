"""Read the log of Odoo 11's own test runner (odoo-bin --test-enable) into per-test outcomes.

Odoo 11 runs each test module through unittest's TextTestRunner (verbosity 2) and logs what it
writes under the test module's logger, one record per line: the test's description
("test_x (odoo.addons.m.tests.test_y.TestY) ... "), then its outcome ("FAIL", "ERROR",
"skipped '...'"; "ok" is not logged), then the list of failures ("ERROR: test_x (...)") and the
summary ("Ran N tests in ...", "OK", "FAILED (failures=1, errors=2)").
"""
import collections
import re

RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) "
                    r"(?P<logger>[\w.]+): (?P<message>.*)$")
TEST_LOGGER = re.compile(r"^odoo\.addons\.(?P<addon>\w+)\.tests(\.\w+)*$")
DESCRIPTION = re.compile(r"^(?P<test>\w+) \((?P<case>[\w.]+)\)(?: \.\.\.)?\s*$")
LISTED = re.compile(r"^(?P<kind>ERROR|FAIL): (?P<test>\w+) \((?P<case>[\w.]+)\)\s*$")
RAN = re.compile(r"^Ran (?P<count>\d+) tests? in ")
OUTCOMES = {"ERROR": "error", "FAIL": "fail", "expected failure": "expected failure",
            "unexpected success": "unexpected success"}
FAILED = ("fail", "error", "unexpected success")
TESTS_FAILED = "At least one test failed"   # the loader's echo of the failures counted above


class Result:
    """Outcome of every test seen in one log, by addon."""

    def __init__(self):
        self.outcomes = collections.OrderedDict()   # "module.Class.test" -> outcome
        self.ran = collections.Counter()            # addon -> "Ran N tests" summed
        self.errors = []                            # log records that break the run itself

    @staticmethod
    def addon_of(test_id):
        return test_id.split(".")[2] if test_id.startswith("odoo.addons.") else test_id

    def addons(self):
        return sorted({self.addon_of(test_id) for test_id in self.outcomes} | set(self.ran))

    def of(self, addon):
        return {test_id: outcome for test_id, outcome in self.outcomes.items()
                if self.addon_of(test_id) == addon}

    def counts(self, addon=None):
        outcomes = self.outcomes.values() if addon is None else self.of(addon).values()
        counts = collections.Counter("failed" if o in FAILED else o for o in outcomes)
        return {"passed": counts["ok"], "failed": counts["failed"],
                "skipped": counts["skipped"], "expected failure": counts["expected failure"]}


def parse(lines):
    result = Result()
    pending = {}    # logger -> test id whose outcome is not logged yet
    for line in lines:
        record = RECORD.match(line.rstrip("\n"))
        if not record:
            continue
        logger, message, level = record.group("logger", "message", "level")
        if level == "CRITICAL" or (level == "ERROR" and logger in (
                "odoo.modules.loading", "odoo.modules.registry", "odoo.service.server")
                                       and not message.startswith(TESTS_FAILED)):
            result.errors.append(line.rstrip("\n"))
        if not TEST_LOGGER.match(logger):
            continue
        text = message.strip()
        description = DESCRIPTION.match(text)
        listed = LISTED.match(text)
        if listed:
            test_id = "%s.%s" % (listed.group("case"), listed.group("test"))
            result.outcomes[test_id] = OUTCOMES[listed.group("kind")]
            pending.pop(logger, None)
        elif description:
            test_id = "%s.%s" % (description.group("case"), description.group("test"))
            result.outcomes.setdefault(test_id, "ok")
            pending[logger] = test_id
        elif logger in pending and (text in OUTCOMES or text.startswith("skipped ")):
            test_id = pending.pop(logger)
            if result.outcomes[test_id] == "ok":
                result.outcomes[test_id] = OUTCOMES.get(text, "skipped")
        else:
            ran = RAN.match(text)
            if ran:
                pending.pop(logger, None)
                result.ran[TEST_LOGGER.match(logger).group("addon")] += int(ran.group("count"))
    return result
