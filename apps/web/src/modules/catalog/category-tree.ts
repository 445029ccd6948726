/** The category list (flat, with `path_ids`) as a tree and as indented picker options. */
import type { CategoryDto } from './catalog.api';

export interface CategoryNode extends CategoryDto {
  children: CategoryNode[];
}

export function buildCategoryTree(items: CategoryDto[]): CategoryNode[] {
  const nodes = new Map(items.map((c) => [c.id, { ...c, children: [] as CategoryNode[] }]));
  const roots: CategoryNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parent_id ? nodes.get(node.parent_id) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const order = (list: CategoryNode[]) => {
    list.sort((a, b) => a.sort_order - b.sort_order || a.name.localeCompare(b.name));
    for (const n of list) order(n.children);
  };
  order(roots);
  return roots;
}

/** «root / child / leaf» for a category id. */
export function categoryPath(items: CategoryDto[], id: string | null | undefined, separator = ' / '): string {
  if (!id) return '';
  const byId = new Map(items.map((c) => [c.id, c]));
  const category = byId.get(id);
  if (!category) return '';
  return category.path_ids.map((pid) => byId.get(pid)?.name ?? '').join(separator);
}

/** Options for a Select in tree order, each labelled with its full path (searchable by any ancestor's name). */
export function categoryOptions(items: CategoryDto[], exclude_subtree_of?: string): { value: string; label: string }[] {
  const out: { value: string; label: string }[] = [];
  const walk = (list: CategoryNode[]) => {
    for (const node of list) {
      if (exclude_subtree_of && node.path_ids.includes(exclude_subtree_of)) continue;
      out.push({ value: node.id, label: categoryPath(items, node.id) });
      walk(node.children);
    }
  };
  walk(buildCategoryTree(items));
  return out;
}
