"""Syntax tree → a Python closure that computes the expression for one source object.

Compiling is where an expression is refused: an unknown function, a wrong number of arguments,
a bare name that is no enum value, a constant argument no call could accept. Evaluating can
still fail on one object's data (EvaluationError), pointing at the call that failed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from scimcert.idp.mapping import functions
from scimcert.idp.mapping.context import Context
from scimcert.idp.mapping.errors import EvaluationError, MappingError
from scimcert.idp.mapping.nodes import (
    Attribute,
    Call,
    Compare,
    Constant,
    Missing,
    Name,
    Node,
    attributes,
)
from scimcert.idp.mapping.values import text

Source = Mapping[str, Any]
Evaluator = Callable[[Source, Context], Any]


def compile_node(node: Node) -> Evaluator:
    """The closure computing `node`; a MappingError (positioned, without the text) if refused."""
    if isinstance(node, Attribute):
        name = node.name
        return lambda source, context: source.get(name)
    if isinstance(node, Constant):
        value = node.value
        return lambda source, context: value
    if isinstance(node, Missing):
        return lambda source, context: None
    if isinstance(node, Name):
        if node.name not in functions.ENUMS:
            raise MappingError(f"bare name {node.name}: attributes go in square brackets "
                               f"([{node.name}]), strings in double quotes, and a function "
                               "call needs parentheses", node.start)
        enum = node.name
        return lambda source, context: enum
    if isinstance(node, Compare):
        return _compare(node)
    if isinstance(node, Call):
        return _call(node)
    raise TypeError(f"not an expression node: {node!r}")


def _call(node: Call) -> Evaluator:
    fn = functions.lookup(node.name, node)
    count = len(node.args)
    if count < fn.minimum or (fn.maximum is not None and count > fn.maximum):
        raise MappingError(f"{fn.name} takes {fn.arity()}, not {count}", node.start)
    for index, arg in enumerate(node.args):
        if isinstance(arg, Name) and not (fn.name == "InStr" and index == 3):
            compile_node(arg)  # refuses the bare name
    if fn.check is not None:
        fn.check(node.args)
    args = [compile_node(arg) for arg in node.args]
    if fn.name == "IIF":
        args[0] = _guarded(node.args[0], args[0])
    run, lazy, name = fn.run, fn.lazy, fn.name

    def evaluate(source: Source, context: Context) -> Any:
        try:
            if lazy:
                return run(context, *[_thunk(a, source, context) for a in args])
            return run(context, *[a(source, context) for a in args])
        except EvaluationError as exc:
            if exc.position is None:
                raise EvaluationError(exc.message, node.start) from None
            raise
        except MappingError as exc:
            raise EvaluationError(exc.message, node.start) from None
        except (TypeError, ValueError, OverflowError, re.error) as exc:
            raise EvaluationError(f"{name}: {exc}", node.start) from None

    return evaluate


def _thunk(evaluator: Evaluator, source: Source, context: Context) -> Callable[[], Any]:
    return lambda: evaluator(source, context)


def _guarded(condition: Node, evaluator: Evaluator) -> Evaluator:
    """IIF's condition, failing (no value) when an attribute it reads is null or empty:
    "If the source attribute used within the IIF function is empty or null, the condition check
    fails" (functions-for-customizing-application-data#iif, known limitations)."""
    names = attributes(condition)

    def evaluate(source: Source, context: Context) -> Any:
        if any(source.get(name) in (None, "") for name in names):
            return None
        return evaluator(source, context)

    return evaluate


def _compare(node: Compare) -> Evaluator:
    left, right, op = compile_node(node.left), compile_node(node.right), node.op

    def evaluate(source: Source, context: Context) -> Any:
        a, b = left(source, context), right(source, context)
        if a is None or b is None:
            return None
        try:
            return _ordered(op, a, b)
        except EvaluationError as exc:
            raise EvaluationError(exc.message, node.start) from None

    return evaluate


def _ordered(op: str, a: Any, b: Any) -> bool:
    """`a op b`: as numbers when both are numbers, as dates when both are dates, otherwise as
    case-sensitive strings (Switch compares case-sensitively too)."""
    x: Any
    y: Any
    if isinstance(a, datetime) and isinstance(b, datetime):
        x, y = a, b
    elif _numeric(a) and _numeric(b):
        x, y = float(text(a)), float(text(b))
    else:
        x, y = text(a, "compared value"), text(b, "compared value")
    return {"=": x == y, "<>": x != y, ">": x > y, ">=": x >= y, "<": x < y, "<=": x <= y}[op]


def _numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", value) is not None
