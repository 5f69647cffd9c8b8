"""Names and ID numbers never travel in a URL (docs/decisions.md 51): a URL ends up in server and
proxy logs, browser history and Referer headers. API filters that name a child (`q`, `name`) are
read from the body of a POST; the same filter in a GET's query string is a 400 that says so,
rather than being ignored (a list that ignored it would show more than was asked for)."""
from django.http import QueryDict

from shouhu.core.errors import BadParameter, ErrorCode


class SearchByPostMixin:
    """`personal_params`: the filters that may carry a name or number. `self.params` is where a
    view reads its filters from: the body of a POST (JSON or form), else the query string."""

    personal_params: tuple[str, ...] = ("q",)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method == "GET":
            for p in self.personal_params:
                if str(request.query_params.get(p, "")).strip():
                    raise BadParameter(f"按姓名或身份证号查找时请用 POST 在请求体中提交“{p}”（查询参数会出现在地址和服务器日志中）",
                                       code=ErrorCode.SEARCH_BY_POST, field=p)

    @property
    def params(self):
        request = self.request
        if request.method != "POST":
            return request.query_params
        data = request.data
        q = QueryDict(mutable=True)
        items = data.items() if isinstance(data, (dict, QueryDict)) else ()
        for k, v in items:
            if v is None or isinstance(v, (dict, list)):
                continue
            v = v if isinstance(v, str) else str(v).lower() if isinstance(v, bool) else str(v)
            if "\x00" in v:  # PostgreSQL text cannot hold NUL: a 400, not a 500 from the driver
                raise BadParameter(f"参数“{k}”含有无效字符", field=str(k))
            q[str(k)] = v
        return q
