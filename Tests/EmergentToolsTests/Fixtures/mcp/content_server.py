"""A small stdio MCP server for the content-mapping tests, built on the official `mcp` SDK (installed with
mcp-server-time in .deps/mcp-venv). Run as: .deps/mcp-venv/bin/python content_server.py"""

import asyncio
import base64

from mcp.server.mcpserver import Image, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import EmbeddedResource, TextContent, TextResourceContents

# A 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

server = MCPServer("content-fixture")


@server.tool(description="Draw a red dot and describe it")
def draw_dot() -> list:
    return [TextContent(type="text", text="Here is a dot."), Image(data=PNG, format="png")]


@server.tool(description="Quote a resource")
def quote_resource() -> list:
    return [
        EmbeddedResource(
            type="resource",
            resource=TextResourceContents(uri="memo://today", mimeType="text/plain", text="Buy milk."),
        )
    ]


@server.tool(description="Fail on purpose with the given reason")
def fail(reason: str) -> str:
    raise ToolError(reason)


@server.tool(description="Sleep, then answer")
async def nap(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return "rested"


if __name__ == "__main__":
    server.run()
