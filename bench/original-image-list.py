#!/usr/bin/python3
"""The original tool's way of listing images, for bench/image-list.ts.

The original Python tool reads its build registry (installations.yml) and
then every image folder's image_data.yml with PyYAML's safe_load, and prints
one entry per image. This script does that reading and prints the entries
as JSON, so both sides of the benchmark do the same work as whole processes.
Usage: original-image-list.py INSTALLATIONS_YML IMAGES_DIR
"""
import json
import os
import sys

import yaml


def main():
    installations_file, images_dir = sys.argv[1], sys.argv[2]
    with open(installations_file) as handle:
        installations = yaml.safe_load(handle) or {}
    images = []
    for name in sorted(os.listdir(images_dir)):
        data_file = os.path.join(images_dir, name, 'image_data.yml')
        if not os.path.isfile(data_file):
            continue
        with open(data_file) as handle:
            data = yaml.safe_load(handle)['image_data']
        status = 'IN_CREATION' if name in installations else 'CREATED'
        images.append({'name': name, 'status': status, 'image_class': data.get('image_class'),
                       'kernel': data.get('kernel'), 'image': data.get('image')})
    json.dump(images, sys.stdout, indent=2, default=str)
    sys.stdout.write('\n')


main()
