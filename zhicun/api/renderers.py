"""JSON with Chinese left readable (UTF-8), not \\u-escaped."""

import json

from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder


class Utf8JSONRenderer(JSONRenderer):
    charset = "utf-8"

    def render(self, request, data, *, response_status):
        return json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False)
