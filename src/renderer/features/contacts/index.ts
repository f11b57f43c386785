export { ContactsView } from './ContactsView';
export { PeoplePicker } from './PeoplePicker';
export { useOrgChart, type OrgChartState } from './useOrgChart';
export { departmentName, indexChart, personMatches, searchPeople, subtreeIds, type ChartIndex } from './chart';
