"""moto handlers: Cloud Map HTTP namespaces (Service Connect)."""

from typing import Any

from ...engine.program import RecordedResource
from .base import MotoContext, Outputs, handles, physical_name


@handles("aws:servicediscovery/httpNamespace:HttpNamespace")
def _http_namespace(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    discovery, name = ctx.clients("servicediscovery", region), physical_name(resource)
    args: dict[str, Any] = {"Name": name}
    if resource.inputs.get("description"):
        args["Description"] = resource.inputs["description"]
    discovery.create_http_namespace(**args)
    namespace = next(n for n in discovery.list_namespaces()["Namespaces"] if n["Name"] == name)
    return namespace["Id"], {"arn": namespace["Arn"], "name": name, "httpName": name}
