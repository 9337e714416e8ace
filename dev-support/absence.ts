// The SPEC §2 example absence (78287, Luca Pacioli, 2018-04-23 AM to 2018-04-24 PM),
// the one sample every test and benchmark builds its leave events from.
export function specAbsence(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 78287,
    owner: { id: 134, name: 'Luca Pacioli', email: 'luca.paccioli@lucca.fr', employeeNumber: '00001' },
    leaveAccount: { id: 1718, name: 'Annual leave 2018', categoryId: 1, categoryName: 'Annual leave', unit: 'days' },
    start: { date: '2018-04-23', half: 'AM' },
    end: { date: '2018-04-24', half: 'PM' },
    halfDays: null,
    durationInHours: null,
    isConfirmed: true,
    confirmationDate: '2018-04-04T22:34:47.797',
    isCancelled: false,
    cancellationDate: null,
    creationDate: '2018-04-01T09:00:00',
    ...overrides,
  };
}
