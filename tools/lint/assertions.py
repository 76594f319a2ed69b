"""Fails on a test with no assertion in it: a pytest function `test_*` in
tests/python with no `assert`, `pytest.raises`/`pytest.fail`, numpy testing
call, or call to a helper that asserts (of the same file, conftest.py, or
a module of tests/python the file imports from).

Usage: python tools/lint/assertions.py tests/python
"""

import ast
import pathlib
import sys

ASSERTING_CALLS = ("raises", "fail", "warns")  # pytest.raises, pytest.fail, pytest.warns


def call_name(node):
    function = node.func
    if isinstance(function, ast.Attribute):
        return function.attr
    if isinstance(function, ast.Name):
        return function.id
    return None


def asserts_directly(function):
    for node in ast.walk(function):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call):
            name = call_name(node) or ""
            if name in ASSERTING_CALLS or name.startswith("assert_"):
                return True
    return False


def called_names(function):
    return {call_name(n) for n in ast.walk(function) if isinstance(n, ast.Call)} - {None}


def asserting_helpers(functions):
    """Names of helpers that assert, directly or through other helpers."""
    asserting = {name for name, f in functions.items() if asserts_directly(f)}
    changed = True
    while changed:
        changed = False
        for name, f in functions.items():
            if name not in asserting and called_names(f) & asserting:
                asserting.add(name)
                changed = True
    return asserting


def main(folder):
    folder = pathlib.Path(folder)
    trees = {path: ast.parse(path.read_text()) for path in sorted(folder.glob("*.py"))}
    shared = {
        node.name: node
        for node in ast.walk(trees.get(folder / "conftest.py", ast.Module(body=[])))
        if isinstance(node, ast.FunctionDef)
    }
    empty = []
    tests = 0

    def defined(tree):
        return {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}

    for path, tree in trees.items():
        functions = dict(shared)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and folder / f"{node.module}.py" in trees:
                functions.update(defined(trees[folder / f"{node.module}.py"]))
        functions.update(defined(tree))
        helpers = asserting_helpers(functions)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                tests += 1
                if not (asserts_directly(node) or called_names(node) & helpers):
                    empty.append(f"{path}:{node.lineno}: {node.name} asserts nothing")
    print("\n".join(empty) or f"{tests} pytest functions, each with an assertion")
    return 1 if empty else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
