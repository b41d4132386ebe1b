"""The seed's approach, made to run: asyncio + aiohttp, one shared session,
a semaphore for the concurrency, a regex for the title, TLS checks off.

Usage: seed_aiohttp.py CONCURRENCY < urls.txt   (prints URL<TAB>TITLE)
"""

import asyncio
import re
import sys

import aiohttp

TITLE = re.compile(r"<title>(.*?)</title>")


async def fetch(session, sem, url):
    async with sem:
        try:
            async with session.get(url, ssl=False) as resp:
                html = await resp.text()
        except Exception as e:  # one bad URL must not stop the others
            print("%s: %s" % (url, e), file=sys.stderr)
            return
    m = TITLE.search(html)
    if m:
        print("%s\t%s" % (url, " ".join(m.group(1).split())))
    else:
        print("%s: no title" % url, file=sys.stderr)


async def main():
    sem = asyncio.Semaphore(int(sys.argv[1]))
    urls = [line.strip() for line in sys.stdin if line.strip()]
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(fetch(session, sem, u) for u in urls))


if __name__ == "__main__":
    asyncio.run(main())
