"""A YAML document built straight from the C parser's events, without a node graph.

PyYAML composes every node of a document before constructing a single value: for a
sources file of tens of thousands of entries that graph is ten times the size of the
result, and the memory it leaves behind stays with the process for the whole refresh.
Built from events, only the values are ever held. Anchors, aliases and explicit tags
are left to the full loader (`None` is returned), so nothing YAML allows is lost.
"""

from __future__ import annotations

from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _NeedsFullLoader(Exception):
    pass


def _scalar(loader: Any, event: yaml.ScalarEvent) -> Any:
    if event.anchor is not None or (event.tag not in (None, "!") and not event.implicit[0]):
        raise _NeedsFullLoader
    tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
    return loader.yaml_constructors.get(tag, loader.yaml_constructors[None])(loader, node)


def load_plain(text: str) -> Any:
    """The one document in `text` as dicts, lists and scalars (as `yaml.safe_load` reads
    it), or None when it uses anchors, aliases or tags. Raises `yaml.YAMLError`."""
    loader = _Loader(text)
    stack: list[list] = []  # [container, pending mapping key or a sentinel]
    root: Any = None
    none = object()
    try:
        while True:
            event = loader.get_event()
            if isinstance(event, yaml.StreamEndEvent):
                return root
            if isinstance(event, (yaml.StreamStartEvent, yaml.DocumentStartEvent, yaml.DocumentEndEvent)):
                continue
            if isinstance(event, yaml.AliasEvent):
                raise _NeedsFullLoader
            if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                stack.pop()  # the container was placed when it opened
                continue
            opened = isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent))
            if opened:
                if event.anchor is not None or (event.tag is not None and not event.implicit):
                    raise _NeedsFullLoader
                value: Any = [] if isinstance(event, yaml.SequenceStartEvent) else {}
            else:
                value = _scalar(loader, event)
            if not stack:
                root = value
            else:
                top = stack[-1]
                if isinstance(top[0], list):
                    top[0].append(value)
                elif top[1] is none:
                    if value == "<<" or isinstance(value, (dict, list)):
                        raise _NeedsFullLoader  # merge keys and complex keys: the full loader's job
                    top[1] = value
                else:
                    top[0][top[1]] = value
                    top[1] = none
            if opened:
                stack.append([value, none])
    except _NeedsFullLoader:
        return None
    finally:
        loader.dispose()
