"""The registry's panels on the 工作台 home."""


def panels(request) -> list[dict]:
    return []
