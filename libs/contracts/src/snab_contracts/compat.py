"""Is a new JSON Schema of a contract compatible with the old one?

Compatible means: every message valid under the old schema is still valid under the new
one, and no field the old schema had is gone (an old consumer still finds it). So these
break compatibility: a field removed, a type changed or narrowed (tighter bounds, a new
pattern or format), an optional field made required, a new required field, an enum or
literal value removed. These do not: a new optional field, a new enum value, a wider
type, and any change of title, description, examples or default.

Works on the subset of JSON Schema that pydantic emits: ``$ref`` into ``$defs``,
``anyOf``/``oneOf``/``allOf`` (one member), ``type``, ``const``, ``enum``, string, number,
array and object keywords.
"""

from __future__ import annotations

import json
from typing import Any

Schema = dict[str, Any]

_NUMERIC = {"integer", "number"}


def breaking_changes(old: Schema, new: Schema) -> list[str]:
    """Human-readable reasons why ``new`` is incompatible with ``old``; empty if compatible."""
    return _Comparer(old, new).compare(old, new, "")


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _types(node: Schema) -> set[str] | None:
    """The JSON types a node allows; None when it allows any value."""
    if "type" in node:
        declared = node["type"]
        return set(declared) if isinstance(declared, list) else {declared}
    if "const" in node:
        return {_json_type(node["const"])}
    if "enum" in node:
        return {_json_type(v) for v in node["enum"]}
    if "properties" in node or "additionalProperties" in node:
        return {"object"}
    if "items" in node or "prefixItems" in node:
        return {"array"}
    return None


def _values(node: Schema) -> set[str] | None:
    """The allowed values (as JSON text) of a const/enum node; None when not restricted."""
    if "const" in node:
        return {json.dumps(node["const"], sort_keys=True, ensure_ascii=False)}
    if "enum" in node:
        return {json.dumps(v, sort_keys=True, ensure_ascii=False) for v in node["enum"]}
    return None


def _show(types: set[str] | None) -> str:
    return "any" if types is None else "|".join(sorted(types))


def _where(path: str) -> str:
    return path.lstrip(".") or "(root)"


def _lower(node: Schema) -> tuple[float, bool] | None:
    """The tightest lower bound as (value, exclusive)."""
    bounds = []
    if "minimum" in node:
        bounds.append((float(node["minimum"]), False))
    if "exclusiveMinimum" in node:
        bounds.append((float(node["exclusiveMinimum"]), True))
    return max(bounds) if bounds else None


def _upper(node: Schema) -> tuple[float, bool] | None:
    """The tightest upper bound as (value, exclusive)."""
    bounds = []
    if "maximum" in node:
        bounds.append((float(node["maximum"]), False))
    if "exclusiveMaximum" in node:
        bounds.append((float(node["exclusiveMaximum"]), True))
    return min(bounds, key=lambda b: (b[0], not b[1])) if bounds else None


def _lower_tighter(old: tuple[float, bool] | None, new: tuple[float, bool] | None) -> bool:
    if new is None:
        return False
    if old is None:
        return True
    return new[0] > old[0] or (new[0] == old[0] and new[1] and not old[1])


def _upper_tighter(old: tuple[float, bool] | None, new: tuple[float, bool] | None) -> bool:
    if new is None:
        return False
    if old is None:
        return True
    return new[0] < old[0] or (new[0] == old[0] and new[1] and not old[1])


class _Comparer:
    def __init__(self, old_root: Schema, new_root: Schema) -> None:
        self.old_root = old_root
        self.new_root = new_root
        self._active: set[tuple[str, str]] = set()

    def _resolve(self, node: Schema, root: Schema) -> tuple[Schema, str | None]:
        ref_name = None
        for _ in range(100):
            if "$ref" in node:
                ref = node["$ref"]
                if not ref.startswith("#/$defs/"):
                    raise ValueError(f"unsupported $ref {ref!r}")
                ref_name = ref.removeprefix("#/$defs/")
                node = root["$defs"][ref_name]
            elif "allOf" in node and len(node["allOf"]) == 1:
                node = node["allOf"][0]
            else:
                return node, ref_name
        raise ValueError("$ref chain too long")

    def _variants(self, node: Schema, root: Schema) -> list[tuple[Schema, str | None]]:
        """The members of a union (or the node itself), each with its $defs name if any."""
        resolved, ref_name = self._resolve(node, root)
        union = resolved.get("anyOf") or resolved.get("oneOf")
        if union is None:
            return [(resolved, ref_name)]
        return [v for member in union for v in self._variants(member, root)]

    def compare(self, old: Schema, new: Schema, path: str) -> list[str]:
        new_variants = self._variants(new, self.new_root)
        problems: list[str] = []
        for old_variant, old_ref in self._variants(old, self.old_root):
            old_types = _types(old_variant)
            candidates = [
                (v, ref) for v, ref in new_variants if _accepts_types(old_types, _types(v))
            ]
            if not candidates:
                new_types = {t for v, _ in new_variants for t in (_types(v) or {"any"})}
                problems.append(
                    f"{_where(path)}: type changed from {_show(old_types)} to {_show(new_types)}"
                )
                continue
            best: list[str] | None = None
            for candidate, new_ref in candidates:
                found = self._compare_named(old_variant, old_ref, candidate, new_ref, path)
                if best is None or len(found) < len(best):
                    best = found
                if not best:
                    break
            problems.extend(best or [])
        return list(dict.fromkeys(problems))

    def _compare_named(
        self, old: Schema, old_ref: str | None, new: Schema, new_ref: str | None, path: str
    ) -> list[str]:
        if old_ref is None or new_ref is None:
            return self._compare_single(old, new, path)
        key = (old_ref, new_ref)
        if key in self._active:
            return []  # a recursive model: this pair is being compared further up
        self._active.add(key)
        try:
            return self._compare_single(old, new, path)
        finally:
            self._active.discard(key)

    def _compare_single(self, old: Schema, new: Schema, path: str) -> list[str]:
        old_types = _types(old)
        new_types = _types(new)
        if new_types is None:
            return []
        problems: list[str] = []
        where = _where(path)

        old_values, new_values = _values(old), _values(new)
        if new_values is not None:
            if old_values is None:
                problems.append(f"{where}: narrowed to the values {sorted(new_values)}")
            elif removed := old_values - new_values:
                problems.append(f"{where}: value(s) removed: {', '.join(sorted(removed))}")

        types = old_types or set()
        if "string" in types:
            problems += _string_narrowing(old, new, where)
        if types & _NUMERIC:
            if _lower_tighter(_lower(old), _lower(new)):
                problems.append(f"{where}: lower bound raised")
            if _upper_tighter(_upper(old), _upper(new)):
                problems.append(f"{where}: upper bound lowered")
            if "multipleOf" in new and new["multipleOf"] != old.get("multipleOf"):
                problems.append(f"{where}: multipleOf changed")
        if "array" in types:
            problems += self._array_narrowing(old, new, path)
        if "object" in types:
            problems += self._object_narrowing(old, new, path)
        return problems

    def _array_narrowing(self, old: Schema, new: Schema, path: str) -> list[str]:
        where = _where(path)
        problems = []
        if new.get("minItems", 0) > old.get("minItems", 0):
            problems.append(f"{where}: minimum number of items raised")
        if new.get("maxItems", float("inf")) < old.get("maxItems", float("inf")):
            problems.append(f"{where}: maximum number of items lowered")
        if new.get("uniqueItems") and not old.get("uniqueItems"):
            problems.append(f"{where}: items must now be unique")
        if "items" in new and isinstance(new["items"], dict):
            problems += self.compare(old.get("items", {}), new["items"], f"{path}[]")
        return problems

    def _object_narrowing(self, old: Schema, new: Schema, path: str) -> list[str]:
        problems = []
        old_props: dict[str, Schema] = old.get("properties", {})
        new_props: dict[str, Schema] = new.get("properties", {})
        old_required = set(old.get("required", []))
        for name, old_prop in old_props.items():
            if name not in new_props:
                problems.append(f"{_where(f'{path}.{name}')}: field removed")
            else:
                problems += self.compare(old_prop, new_props[name], f"{path}.{name}")
        for name in new.get("required", []):
            if name in old_required:
                continue
            if name in old_props:
                problems.append(f"{_where(f'{path}.{name}')}: optional field made required")
            else:
                problems.append(f"{_where(f'{path}.{name}')}: new required field")
        old_extra = old.get("additionalProperties", True)
        new_extra = new.get("additionalProperties", True)
        if new_extra is False and old_extra is not False:
            problems.append(f"{_where(path)}: unknown fields no longer allowed")
        elif isinstance(new_extra, dict):
            old_extra_schema = old_extra if isinstance(old_extra, dict) else {}
            problems += self.compare(old_extra_schema, new_extra, f"{path}{{}}")
        if "propertyNames" in new:
            problems += self.compare(old.get("propertyNames", {}), new["propertyNames"], path)
        return problems


def _accepts_types(old: set[str] | None, new: set[str] | None) -> bool:
    if new is None:
        return True
    if old is None:
        return False
    widened = new | ({"integer"} if "number" in new else set())
    return old <= widened


def _string_narrowing(old: Schema, new: Schema, where: str) -> list[str]:
    problems = []
    if new.get("minLength", 0) > old.get("minLength", 0):
        problems.append(f"{where}: minimum length raised")
    if new.get("maxLength", float("inf")) < old.get("maxLength", float("inf")):
        problems.append(f"{where}: maximum length lowered")
    if "pattern" in new and new["pattern"] != old.get("pattern"):
        problems.append(f"{where}: pattern changed to {new['pattern']!r}")
    if "format" in new and new["format"] != old.get("format"):
        problems.append(f"{where}: format changed to {new['format']!r}")
    return problems
