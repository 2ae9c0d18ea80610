#!/usr/bin/env python3
"""First-page weight: bytes on the wire for the portal's first and repeat visit (scripts,
styles, the page), as Chromium counts them (CDP encodedDataLength)."""
import asyncio, sys
from playwright.async_api import async_playwright

BASE = sys.argv[1]

async def visit(page, cdp, label):
    sizes = {}
    kinds = {}
    def on_response(e):
        kinds[e["requestId"]] = (e["response"]["url"], e["response"]["mimeType"], e["response"]["status"])
    def on_finished(e):
        sizes[e["requestId"]] = e["encodedDataLength"]
    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.loadingFinished", on_finished)
    await page.goto(BASE + "/#/")
    await page.wait_for_selector("[data-page=home]")
    await page.wait_for_load_state("networkidle")
    total = {"script": 0, "style": 0, "page": 0, "api": 0}
    count = {"script": 0, "style": 0, "page": 0, "api": 0}
    for rid, (url, mime, status) in kinds.items():
        n = sizes.get(rid, 0)
        kind = "api" if "/api/" in url else "script" if "javascript" in mime else "style" if "css" in mime else "page" if "html" in mime else None
        if kind:
            total[kind] += n; count[kind] += 1
    print(label, {k: f"{count[k]} requests, {total[k]} B" for k in total})

async def main():
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox","--disable-gpu","--disable-background-networking","--disable-component-update","--disable-sync"])
        context = await browser.new_context(viewport={"width": 390, "height": 844})
        page = await context.new_page()
        cdp = await context.new_cdp_session(page)
        await cdp.send("Network.enable")
        await visit(page, cdp, "first visit ")
        page2 = await context.new_page()
        cdp2 = await context.new_cdp_session(page2)
        await cdp2.send("Network.enable")
        await visit(page2, cdp2, "repeat visit")
        await browser.close()

asyncio.run(main())
