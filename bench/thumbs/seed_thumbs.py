# The seed's thumbnail code, exactly as in the study notes (the notebook's
# In [4]), run by /usr/bin/python3 from a folder holding images/ and
# thumbnails/. Only the imports of the notebook's earlier cells are added.
import glob
import os
import time

from concurrent.futures import ThreadPoolExecutor
from threading import Thread
from PIL import Image


def gen_thumbnail(infile):
    file, ext = os.path.splitext(infile)
    filename = file[file.rfind('/') + 1:]
    for size in (32, 64, 128):
        outfile = f'thumbnails/{filename}_{size}_{size}.png'
        image = Image.open(infile)
        image.thumbnail((size, size))
        image.save(outfile, format='PNG')
def main():
    pool = ThreadPoolExecutor(max_workers=30)
    futures = []
    start = time.time()
    for infile in glob.glob('images/*'):
        future = pool.submit(gen_thumbnail, infile)
        futures.append(future)
    for future in futures:
        future.result()
    end = time.time()
    print(f'耗时: {end - start}秒')
    pool.shutdown()
    
if __name__ == '__main__':
    main()
