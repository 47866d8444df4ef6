// How a list reaches a .NET app through app settings: the configuration binder reads item i of
// the list <name> from the setting <name>__<i> (Segments__Tenants__0__AllowedOrigins__0, ...).

@export()
@description('The settings of each list, name to array: item i of list <name> becomes the setting <name>__<i>. An empty list gives no setting.')
func expandLists(lists object) object =>
  reduce(
    items(lists),
    {},
    (all, list) => union(all, toObject(range(0, length(list.value)), i => '${list.key}__${i}', i => list.value[i]))
  )
