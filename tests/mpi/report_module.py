"""scripts/report (a script without a .py suffix) imported as a module, for the tests that check
its report against its claim tables:

    sys.path.insert(0, os.path.join(src, "tests", "mpi"))
    from report_module import load_report
    report = load_report(src)
"""
import importlib.machinery
import importlib.util
import os


def load_report(src):
    loader = importlib.machinery.SourceFileLoader("report", os.path.join(src, "scripts", "report"))
    spec = importlib.util.spec_from_loader("report", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module
