"""Start-up shared by the bench scripts that run on their own (not through run.py): the
command line every one takes, Odoo configured from it, and a superuser environment."""
import argparse
import os
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def arguments(doc):
    """The script's argument parser, described by its docstring's first paragraph, with the
    Odoo configuration file and the database every standalone script needs."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    return parser


def configure(config):
    """Odoo reads ``config``; the scripts want its warnings only. Pages render with the
    project's lessc, as tools/odoo.sh serves them: without it every page would try and fail
    to compile the stylesheets, and time that."""
    import odoo  # here, not at the top: a script's --help needs no Odoo
    venv = os.environ.get("VENV", os.path.join(os.path.dirname(HERE), ".venv"))
    os.environ["PATH"] = os.pathsep.join([os.path.join(venv, "node", "node_modules", ".bin"),
                                          os.environ.get("PATH", "")])
    odoo.tools.config.parse_config(["-c", config, "--log-level=warn"])


def in_database(args, function, context=None, keep=False):
    """``function(env)`` as the superuser on a cursor of ``args.database``, rolled back
    after it unless ``keep`` (then committed); returns what it returns and the 1-minute
    load averages before and after (the machine may be shared)."""
    import odoo
    from odoo import SUPERUSER_ID, api
    configure(args.config)
    load_before = os.getloadavg()[0]
    with api.Environment.manage():
        with odoo.registry(args.database).cursor() as cr:
            result = function(api.Environment(cr, SUPERUSER_ID, context or {}))
            if keep:
                cr.commit()
            else:
                cr.rollback()
    return result, (load_before, os.getloadavg()[0])


def measure(env, call):
    """(seconds, SQL queries) of ``call()``."""
    before, started = env.cr.sql_log_count, time.perf_counter()
    call()
    return time.perf_counter() - started, env.cr.sql_log_count - before


def measure_rolled_back(env, call):
    """measure() of ``call()`` from a cleared ORM cache, in a savepoint rolled back after
    it: every run starts from the same data."""
    env.cr.execute("SAVEPOINT bench_run")
    env.cache.invalidate()
    figures = measure(env, call)
    env.cr.execute("ROLLBACK TO SAVEPOINT bench_run")
    env.cache.invalidate()
    return figures
